/**
 * Ingest every configured source: the file sources (the roster first: other tables refer to it, then the rest,
 * each file of a source in name order, each file in its own transaction), then the drop folder, then the API
 * sources, each resuming from its committed cursor. A source that fails is reported and the others go on;
 * a stop request (SIGTERM) ends the ingest after the transaction in flight.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { type FileSource, resolvePath, type SourceLists } from "../../core/config/app.ts";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { msg } from "../../core/messages.ts";
import { Stopped, throwIfStopped } from "../../core/shutdown.ts";
import { type StreamResult, syncApiSource } from "../helpdesk/sync.ts";
import { loadMapping } from "../mappings/schema.ts";
import { ingestDropFolder } from "../surveys/drop-folder.ts";
import { type BatchSummary, loadFile } from "./load-file.ts";
import { type IngestReporter, silentReporter } from "./reporter.ts";

export { type IngestReporter, silentReporter };

const TABLE_ORDER = ["agents", "roster_changes", "tickets", "csat", "quality_audits", "reviews_360", "collab_survey", "trainings", "certifications", "contributions", "opinion_survey"];

/** Files matching a path whose file name may hold * and ? wildcards, in name order. */
export function expandPattern(pattern: string): string[] {
  const dir = path.dirname(pattern);
  const base = path.basename(pattern);
  if (!/[*?]/.test(base)) return existsSync(pattern) ? [pattern] : [];
  if (!existsSync(dir)) return [];
  const re = new RegExp(`^${base.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*").replaceAll("?", ".")}$`);
  return readdirSync(dir)
    .filter((f) => re.test(f))
    .sort()
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

export interface IngestOptions {
  force?: boolean;
  /** only these source names */
  only?: string[];
}

export interface IngestResult {
  batches: BatchSummary[];
  errors: string[];
  /** API streams fetched */
  streams: StreamResult[];
  /** drop-folder files left in place, with the reason */
  left: Array<{ file: string; reason: string }>;
}

export async function ingestSources(
  wh: Warehouse,
  config: SourceLists,
  reporter: IngestReporter = silentReporter,
  opts: IngestOptions = {},
): Promise<IngestResult> {
  const wanted = (name: string) => !opts.only || opts.only.includes(name);
  const sources = config.sources.filter((s) => wanted(s.name));
  const plan: Array<{ source: FileSource; file: string; mapping: ReturnType<typeof loadMapping> }> = [];
  const errors: string[] = [];
  for (const source of sources) {
    const mapping = loadMapping(source.mapping, config.baseDir);
    const pattern = resolvePath(config, source.path);
    const files = expandPattern(pattern);
    if (!files.length) errors.push(msg.noFiles(source.name, pattern));
    for (const file of files) plan.push({ source, file, mapping });
  }
  plan.sort((a, b) => TABLE_ORDER.indexOf(a.mapping.table) - TABLE_ORDER.indexOf(b.mapping.table));
  reporter.start(plan.length);
  const batches: BatchSummary[] = [];
  for (const item of plan) {
    throwIfStopped();
    const shown = path.relative(config.baseDir, item.file) || item.file;
    reporter.file(shown, "reading");
    const summary = await loadFile(wh, {
      file: item.file,
      source: item.source.name,
      mapping: item.mapping,
      force: opts.force,
      onPhase: (phase) => reporter.file(shown, phase),
      onProgress: (percent) => reporter.file(shown, "checking", percent),
    });
    batches.push(summary);
    if (summary.status === "failed" && summary.message) errors.push(summary.message);
    reporter.done(summary);
  }
  const result: IngestResult = { batches, errors, streams: [], left: [] };
  const log = (line: string) => (reporter.log ? reporter.log(line) : undefined);

  if (config.drop_folder && wanted("drop-folder")) {
    const drop = await ingestDropFolder(wh, config, config.drop_folder, reporter);
    result.batches.push(...drop.batches);
    result.errors.push(...drop.errors);
    result.left.push(...drop.left);
    for (const l of drop.left) log(`drop folder: ${path.relative(config.baseDir, l.file) || l.file} left in place: ${l.reason}`);
  }

  for (const source of config.api_sources.filter((s) => wanted(s.name))) {
    throwIfStopped();
    try {
      const streams = await syncApiSource(source, {
        wh,
        timezone: config.timezone,
        baseDir: config.baseDir,
        log,
        onBatch: (summary) => {
          result.batches.push(summary);
          reporter.done(summary);
        },
      });
      result.streams.push(...streams);
      for (const s of streams)
        log(`${s.source}: ${s.stream}: ${s.pages} page(s), ${s.fetched} record(s) fetched${s.repeats ? `, ${s.repeats} seen twice and stored once` : ""}`);
    } catch (e) {
      if (e instanceof Stopped) throw e;
      result.errors.push(`${(e as Error).message} (the rows and cursor of earlier pages are kept; the next run resumes from there)`);
    }
  }
  return result;
}
