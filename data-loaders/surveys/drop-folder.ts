/**
 * The drop folder: each run picks up the files saved there, in name order, matches each to a rule by file
 * name, loads it through the file loader (one transaction per file), then moves it to done/<date>/ or, when it
 * cannot be read, to failed/ with the reason beside it. A file that matches no rule stays, and the run says so.
 * A crash between loading and moving is harmless: the same file again is recognised by its hash and skipped.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { resolvePath } from "../../core/config/app.ts";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { throwIfStopped } from "../../core/shutdown.ts";
import type { IngestReporter } from "../ingest/reporter.ts";
import { type BatchSummary, loadFile } from "../ingest/load-file.ts";
import { loadMapping } from "../mappings/schema.ts";
import type { DropFolder } from "../../core/config/drop-folder.ts";

export interface DropResult {
  batches: BatchSummary[];
  /** files left in place, with the reason */
  left: Array<{ file: string; reason: string }>;
  errors: string[];
}

const TABLE_ORDER = ["agents", "tickets", "csat", "quality_audits", "reviews_360", "collab_survey", "trainings", "certifications", "contributions", "opinion_survey"];

export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*").replaceAll("?", ".")}$`, "i");
}

function moveInto(file: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  let target = path.join(dir, path.basename(file));
  for (let i = 2; existsSync(target); i++) target = path.join(dir, `${path.parse(file).name}.${i}${path.extname(file)}`);
  renameSync(file, target);
  return target;
}

export async function ingestDropFolder(
  wh: Warehouse,
  cfg: { baseDir: string },
  drop: DropFolder,
  reporter: IngestReporter,
  now: Date = new Date(),
): Promise<DropResult> {
  const dir = resolvePath(cfg, drop.path);
  const result: DropResult = { batches: [], left: [], errors: [] };
  if (!existsSync(dir)) {
    result.errors.push(`drop folder ${dir} does not exist; create it or fix drop_folder.path`);
    return result;
  }
  const doneDir = path.resolve(dir, drop.done, now.toISOString().slice(0, 10));
  const failedDir = path.resolve(dir, drop.failed);
  const rules = drop.rules.map((r) => ({ ...r, re: globToRegExp(r.match), mapping: loadMapping(r.mapping, cfg.baseDir) }));
  const plan: Array<{ file: string; rule: (typeof rules)[number] }> = [];
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    const st = statSync(file);
    if (!st.isFile() || name.startsWith(".") || name.endsWith(".error.txt")) continue;
    const rule = rules.find((r) => r.re.test(name));
    if (!rule) {
      result.left.push({ file, reason: `no rule in drop_folder.rules matches '${name}'; add one (match + mapping) or move the file away` });
      continue;
    }
    if (now.getTime() - st.mtimeMs < drop.settle_seconds * 1000) {
      result.left.push({ file, reason: `changed less than ${drop.settle_seconds} s ago (still being copied?); picked up next run` });
      continue;
    }
    plan.push({ file, rule });
  }
  plan.sort((a, b) => TABLE_ORDER.indexOf(a.rule.mapping.table) - TABLE_ORDER.indexOf(b.rule.mapping.table));
  reporter.start(plan.length);
  for (const { file, rule } of plan) {
    throwIfStopped();
    const shown = path.relative(cfg.baseDir, file) || file;
    reporter.file(shown, "reading");
    const summary = await loadFile(wh, {
      file,
      source: rule.source ?? `drop-${rule.mapping.table.replaceAll("_", "-")}`,
      mapping: rule.mapping,
      onPhase: (phase) => reporter.file(shown, phase),
      onProgress: (percent) => reporter.file(shown, "checking", percent),
    });
    result.batches.push(summary);
    reporter.done(summary);
    if (summary.status === "failed") {
      const moved = moveInto(file, failedDir);
      writeFileSync(`${moved}.error.txt`, `${summary.message ?? "could not be loaded"}\n`);
      result.errors.push(`${summary.message}; moved to ${path.relative(cfg.baseDir, moved)}`);
    } else {
      moveInto(file, doneDir);
    }
  }
  return result;
}
