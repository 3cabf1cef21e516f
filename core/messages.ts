/**
 * User-facing messages in one place: short, naming the bad value and what to do next.
 */
import path from "node:path";
import type { z } from "zod";

/** One loaded (or skipped, or unreadable) file, as the ingest prints it: what msg.batchLine needs of a batch summary. */
export interface BatchLine {
  file: string;
  table: string;
  status: "loaded" | "skipped" | "failed";
  encoding?: string;
  rowsRead: number;
  inserted: number;
  replaced: number;
  unchanged: number;
  superseded: number;
  quarantined: number;
  lineEndings?: string;
  message?: string;
}

/** `file: field.path: message` lines for every issue of a zod error. */
export function formatZodError(where: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const at = issue.path.length ? issue.path.map(String).join(".") : "(top level)";
    return `  ${at}: ${issue.message}`;
  });
  return `${where} is not valid:\n${lines.join("\n")}`;
}

export const msg = {
  // --- the CLI's own lines: ingest, run, pipeline, snapshot (pipelines/cli/main.ts, cli/progress.ts, publish/for-config.ts)
  /** one file of an ingest: `+` loaded, `!` loaded with rows quarantined, `=` unchanged, `x` unreadable */
  batchLine: (b: BatchLine) => {
    if (b.status === "skipped") return `= ${b.file}: unchanged (${b.message})`;
    if (b.status === "failed") return `x ${b.file}: ${b.message}`;
    const parts = [`${b.rowsRead} read`, `${b.inserted} new`];
    if (b.replaced) parts.push(`${b.replaced} newer versions`);
    if (b.unchanged) parts.push(`${b.unchanged} unchanged`);
    if (b.superseded) parts.push(`${b.superseded} older versions kept as history`);
    parts.push(`${b.quarantined} quarantined`);
    if (b.lineEndings) parts.push(`line endings ${b.lineEndings}`);
    const shown = /^[a-z][a-z0-9_-]*:/.test(b.file) ? b.file : path.relative(process.cwd(), b.file) || b.file;
    return `${b.quarantined ? "!" : "+"} ${shown} -> raw.${b.table}: ${parts.join(", ")}${b.encoding && b.encoding !== "utf-8" && b.encoding !== "binary" ? ` [${b.encoding}]` : ""}`;
  },
  ingestSummary: (loaded: number, unchanged: number, unreadable: number, rows: number, quarantined: number, seconds: number) =>
    `ingest: ${loaded} file(s) or page batch(es) loaded, ${unchanged} unchanged (loaded before), ${unreadable} unreadable, ${rows} rows read, ${quarantined} quarantined, ${seconds.toFixed(1)} s`,
  unreadableFilesHint: () => "  unreadable files are recorded with the reason: 'appraisal status' lists them; fix the file and ingest again",
  runSummary: (runId: number, models: number, checks: number, seconds: number, rankingRows: number, indicatorScores: number) =>
    `run #${runId}: ${models} models and ${checks} checks in ${seconds.toFixed(1)} s; ${rankingRows} ranking rows, ${indicatorScores} indicator scores`,
  runRebuilt: (periods: string[] | null, why: string | null) =>
    periods === null
      ? `rebuilt every period: ${why ?? "a full rebuild"}`
      : periods.length
        ? `rebuilt only ${periods.length > 12 ? `${periods.slice(0, 12).join(", ")} and ${periods.length - 12} more` : periods.join(", ")}; every other period kept its rows (appraisal status says why)`
        : "no input changed: every period kept its rows",
  pendingKept: (periods: number) =>
    `${periods} published period(s) keep their published figures; 'appraisal status' lists the changes pending`,
  scoredWarehouse: (file: string) => `scored warehouse: ${file}`,
  pipelineIncomplete: (unreadable: string[]) =>
    `pipeline: ${unreadable.length ? `${unreadable.length} file(s) could not be read (${unreadable.join(", ")})` : "some sources had errors"}; the periods they cover cannot be published until they are fixed: fix the file(s) (the errors above say why), then run the pipeline again`,
  snapshotPublished: (audience: string, tables: number, agents: number, periods: number, seconds: number, dir: string) =>
    `published the ${audience} snapshot (${tables} tables, ${agents} agent and ${periods} period files) in ${seconds.toFixed(1)} s: ${dir}`,
  noWarehouseYet: (file: string) => `no warehouse at ${file} yet: run 'npm run pipeline' (or 'appraisal ingest' then 'appraisal run') first`,
  waitingFor: (owner: string, seconds: number) => `waiting for ${owner} to finish (up to ${seconds} s; --wait to change) ...`,
  // --- loaders and models
  warehouseLocked: (file: string) =>
    `the warehouse ${file} is in use by another process (an ingest or run is writing to it); wait for it to finish and try again`,
  noScheme: (id: string, dir: string) =>
    `no scheme '${id}' in ${dir}; the schemes there are listed by 'appraisal status'`,
  noSources: () =>
    "no sources are configured and this is not the demo; add 'sources:' to appraisal.config.yaml (see README, 'Point it at real exports')",
  noFiles: (source: string, pattern: string) => `source '${source}': no file matches ${pattern}`,
  missingColumns: (file: string, missing: string[], found: string[]) =>
    `${file}: missing column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `'${m}'`).join(", ")}; the file has ${found
      .slice(0, 30)
      // a column name is shown up to 60 characters: a header of 200 MB is not a message
      .map((f) => `'${f.length > 60 ? `${f.slice(0, 57)}...` : f}'`)
      .join(", ")}${found.length > 30 ? ", ..." : ""}. Fix the export or the mapping's 'columns'.`,
  fileMissing: (file: string) => `${file} does not exist; check the path (a source's path is relative to the config file)`,
  fileIsFolder: (file: string) =>
    `${file} is a folder, not a file; name one file, or the files in it with a pattern such as ${file.replace(/[\\/]+$/, "")}/*.csv`,
  fileNotRegular: (file: string, kind: string) =>
    `${file} is ${kind}, not a regular file; nothing was read (a read from it could wait forever while holding the warehouse). Save the export to a file and load that`,
  fileNoAccess: (file: string, user: string) =>
    `${file} cannot be read: permission denied for ${user}; give that user read access (for example chmod o+r, or chown) and ingest again`,
  fileUnreadable: (file: string, why: string) => `${file} cannot be opened (${why}); check the path and the disk, then ingest again`,
  readStalled: (file: string, seconds: number) =>
    `${file}: reading stopped: no data for ${seconds} s (a network share or device that stopped answering?); nothing was loaded. Copy the file to a local disk and ingest again (APPRAISAL_READ_TIMEOUT_SECONDS changes the wait)`,
  emptyFile: (file: string) => `${file}: the file is empty (no header row); nothing loaded`,
  recordsPathNotList: (file: string, recordsPath: string, found: Array<string | null>) =>
    `${file}: records_path ${recordsPath} ${found.includes(null) ? "finds nothing in the document" : `points at ${found.map((k) => (k ?? "nothing").toLowerCase()).join(" / ")}`}, not a list of records; nothing loaded. Fix records_path in the mapping (the path to the list, for example $.data.items)`,
  notUtf8: (file: string) =>
    `${file}: the file is not valid UTF-8 and could not be read as GB18030 either; set 'encoding:' in its mapping (utf-8, gb18030, gbk, utf-16le)`,
  undecodable: (n: number, encoding: string) =>
    `${n} character${n === 1 ? " was" : "s were"} not valid ${encoding} and became U+FFFD; the rows were kept. If the text looks wrong, set 'encoding:' in the mapping`,
  unknownAgentPeriod: (agent: string, period: string) =>
    `no score for agent '${agent}' in ${period}; check the id with 'appraisal status' and that the period has data and was run`,
  periodsBeforeSchemeStart: (scheme: string, start: string, n: number, type: string, first: string, last: string) =>
    `scheme '${scheme}' starts at ${start} (start: in its file), so ${n} ${type}${n === 1 ? "" : "s"} with data (${first === last ? first : `${first} to ${last}`}) ${n === 1 ? "has" : "have"} no score; to score ${n === 1 ? "it" : "them"}, remove start: (the first version then applies to every earlier period) or set it earlier`,
  holidaysNotKnown: (version: string, first: number, last: number, from: number, to: number) =>
    `the Chinese holiday calendar (chinese-days ${version}) covers ${first}-${last}; the tickets span ${from}-${to}, and outside those years business hours count weekends only, without public holidays or make-up days (调休). Update chinese-days (npm install chinese-days@latest) once the State Council has published the year's arrangement, then run again`,
  periodBeforeSchemeStart: (scheme: string, start: string, period: string) =>
    `${period} lies before the start of scheme '${scheme}' (start: ${start} in its file), so it has no score; the data is there. To score it, remove start: (the first version then applies to every earlier period) or set it earlier, and run again`,
  periodNotInData: (period: string, first: string | null, last: string | null) =>
    `no ticket data in ${period}${first ? `: the tickets cover ${first} to ${last}` : ": no tickets are loaded"}; ingest the exports that cover it, then 'appraisal run'`,
  periodTypeNotScored: (scheme: string, period: string, type: string, types: string[]) =>
    `scheme '${scheme}' scores ${types.join(", ")}, not ${type}s like ${period}; pick another period or --scheme`,
  badPeriod: (p: string) => `'${p}' is not a period; write a month 2026-09, a quarter 2026-Q3 or a year 2026`,
};
