/**
 * A crafted department for model tests: a roster and tickets (and optionally CSAT responses) from inline rows, loaded
 * through the canonical mappings and scored with a scheme folder. The caller closes it with `done()`.
 */
import { utimesSync } from "node:fs";
import path from "node:path";
import { ingestSources } from "../../data-loaders/ingest/ingest.ts";
import type { FileSource } from "../../core/config/app.ts";
import { Warehouse } from "../../core/db/warehouse.ts";
import { runModels } from "../../pipelines/run.ts";
import { loadSchemes } from "../../pipelines/scheme/load.ts";
import { csv, tempDir, testConfig, TZ, writeFile } from "./warehouse.ts";

export type Cell = string | number | null;
export interface Table {
  header: string[];
  rows: Cell[][];
}

export interface Department {
  wh: Warehouse;
  dir: string;
  /** the files as loaded, by name: roster, tickets, csat */
  files: Record<string, string>;
  done: () => void;
}

export const GOLDEN_SCHEME = path.join(import.meta.dirname, "..", "fixtures", "golden", "scheme");

/**
 * A crafted department, loaded and scored. `exportedAt` is when the files were exported (their modification time):
 * the sources cover the periods up to then (pipelines/models/metrics/periods.sql); without it, up to now.
 */
export async function buildDepartment(
  tables: { roster: Table; tickets: Table; csat?: Table },
  schemeDir = GOLDEN_SCHEME,
  opts: { exportedAt?: string } = {},
): Promise<Department> {
  const { dir, cleanup } = tempDir();
  const files: Record<string, string> = {};
  const sources: FileSource[] = [];
  for (const [name, mapping] of [["roster", "canonical/agents"], ["tickets", "canonical/tickets"], ["csat", "canonical/csat"]] as const) {
    const t = tables[name];
    if (!t) continue;
    files[name] = writeFile(dir, `${name}.csv`, csv(t.header, t.rows));
    if (opts.exportedAt) utimesSync(files[name]!, new Date(opts.exportedAt), new Date(opts.exportedAt));
    sources.push({ name, path: files[name]!, mapping });
  }
  const cfg = testConfig(dir, sources);
  const wh = await Warehouse.open(cfg.warehouse, { timezone: TZ });
  try {
    const r = await ingestSources(wh, cfg);
    if (r.errors.length || r.batches.some((b) => b.quarantined)) throw new Error(`the crafted department did not load cleanly: ${JSON.stringify(r.errors)}`);
    await runModels(wh, loadSchemes(schemeDir));
  } catch (e) {
    wh.close();
    cleanup();
    throw e;
  }
  return {
    wh,
    dir,
    files,
    done: () => {
      wh.close();
      cleanup();
    },
  };
}
