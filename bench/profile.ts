/**
 * Where a run's time goes: the slowest models of the warehouse's last run with their share of the models' time
 * (meta.runs.detail.model_seconds), and DuckDB's EXPLAIN ANALYZE of the slowest few, run again read-only against the
 * build the run published, written to `<out>/profile-<model>.txt` for the next person to read.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Warehouse } from "../core/db/warehouse.ts";
import { inBuild, listModels } from "../pipelines/run.ts";

export interface ModelTime {
  model: string;
  seconds: number;
  /** share of all models' seconds in the run */
  share: number;
}

/** The last successful run's models, slowest first. */
export async function slowestModels(wh: Warehouse, kind = "run"): Promise<ModelTime[]> {
  const rows = await wh.all<{ model: string; seconds: number }>(
    `WITH last AS (SELECT detail FROM meta.runs WHERE kind = $kind AND outcome = 'ok' ORDER BY run_id DESC LIMIT 1)
     SELECT key AS model, value::DOUBLE AS seconds
     FROM (SELECT unnest(map_entries(json_transform(detail->'model_seconds', '"MAP(VARCHAR, DOUBLE)"')), recursive := true) FROM last)
     ORDER BY seconds DESC, model`,
    { kind },
  );
  const total = rows.reduce((a, r) => a + r.seconds, 0) || 1;
  return rows.map((r) => ({ model: r.model, seconds: r.seconds, share: r.seconds / total }));
}

/**
 * EXPLAIN ANALYZE of each model's query (not its CREATE: read-only) against the published build; one text file per
 * model in `out`. Returns the files written.
 */
export async function profileModels(wh: Warehouse, models: string[], out: string): Promise<string[]> {
  const build = await wh.value<string>("SELECT detail->>'build' FROM meta.runs WHERE kind = 'run' AND outcome = 'ok' ORDER BY run_id DESC LIMIT 1");
  const byName = new Map(listModels().map((m) => [m.name, m]));
  const files: string[] = [];
  for (const name of models) {
    const m = byName.get(name);
    if (!m) continue;
    const rows = await wh.all<{ explain_key: string; explain_value: string }>(`EXPLAIN ANALYZE ${inBuild(m.sql, build)}`);
    const file = path.join(out, `profile-${name}.txt`);
    writeFileSync(file, `-- EXPLAIN ANALYZE of ${name} (${path.relative(path.resolve(import.meta.dirname, ".."), m.file)}) against ${build}\n\n${rows.map((r) => r.explain_value).join("\n")}\n`);
    files.push(file);
  }
  return files;
}

export function formatSlowest(models: ModelTime[], top = 8): string {
  return models
    .slice(0, top)
    .map((m) => `  ${m.model.padEnd(34)} ${m.seconds.toFixed(2).padStart(7)} s  ${(m.share * 100).toFixed(1).padStart(5)} %`)
    .join("\n");
}
