/**
 * Ingest every configured source: the roster first (other tables refer to it), then the rest, each file of a
 * source in name order, each file in its own transaction.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { type AppConfig, type FileSource, resolvePath } from "../../pipelines/config.ts";
import type { Warehouse } from "../../pipelines/db/warehouse.ts";
import { msg } from "../../pipelines/messages.ts";
import { loadMapping } from "../mappings/schema.ts";
import { type BatchSummary, loadFile } from "./load-file.ts";

export interface IngestReporter {
  start(total: number): void;
  file(name: string, phase: string, percent?: number): void;
  done(summary: BatchSummary): void;
}

export const silentReporter: IngestReporter = { start() {}, file() {}, done() {} };

const TABLE_ORDER = ["agents", "tickets", "csat", "quality_audits", "reviews_360", "collab_survey", "trainings", "certifications", "contributions"];

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
}

export async function ingestSources(
  wh: Warehouse,
  config: AppConfig,
  reporter: IngestReporter = silentReporter,
  opts: IngestOptions = {},
): Promise<IngestResult> {
  const sources = config.sources.filter((s) => !opts.only || opts.only.includes(s.name));
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
  return { batches, errors };
}
