/**
 * User-facing messages in one place: short, naming the bad value and what to do next.
 */
import type { z } from "zod";

/** `file: field.path: message` lines for every issue of a zod error. */
export function formatZodError(where: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const at = issue.path.length ? issue.path.map(String).join(".") : "(top level)";
    return `  ${at}: ${issue.message}`;
  });
  return `${where} is not valid:\n${lines.join("\n")}`;
}

export const msg = {
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
  notUtf8: (file: string) =>
    `${file}: the file is not valid UTF-8 and could not be read as GB18030 either; set 'encoding:' in its mapping (utf-8, gb18030, gbk, utf-16le)`,
  undecodable: (n: number, encoding: string) =>
    `${n} character${n === 1 ? " was" : "s were"} not valid ${encoding} and became U+FFFD; the rows were kept. If the text looks wrong, set 'encoding:' in the mapping`,
  unknownAgentPeriod: (agent: string, period: string) =>
    `no score for agent '${agent}' in ${period}; check the id with 'appraisal status' and that the period has data and was run`,
  badPeriod: (p: string) => `'${p}' is not a period; write a month 2026-09, a quarter 2026-Q3 or a year 2026`,
};
