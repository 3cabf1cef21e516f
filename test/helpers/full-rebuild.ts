/**
 * What an incremental refresh must equal: every table model of the build the last run published, against a full
 * rebuild over the same inputs into the schema `full_check` (dropped after). Returns the tables whose rows differ, with
 * how many rows differ; {} when they are the same, row for row.
 */
import type { Warehouse } from "../../core/db/warehouse.ts";
import { buildModels, listModels, orderModels } from "../../pipelines/run.ts";
import type { LoadedScheme } from "../../pipelines/scheme/load.ts";

export async function differencesFromFullRebuild(wh: Warehouse, schemes: LoadedScheme[]): Promise<Record<string, number>> {
  const build = await wh.value<string>("SELECT detail->>'build' FROM meta.runs WHERE kind = 'run' AND outcome = 'ok' ORDER BY run_id DESC LIMIT 1");
  await buildModels(wh, schemes, "full_check");
  const out: Record<string, number> = {};
  for (const m of orderModels(listModels()).filter((x) => x.kind === "TABLE")) {
    const t = m.name.split(".")[1]!;
    const n = Number(
      await wh.value(`SELECT count(*) FROM ((SELECT * FROM ${build}.${t} EXCEPT ALL SELECT * FROM full_check.${t}) UNION ALL (SELECT * FROM full_check.${t} EXCEPT ALL SELECT * FROM ${build}.${t}))`),
    );
    const rows = Number(await wh.value(`SELECT count(*) FROM full_check.${t}`));
    if (n || rows !== Number(await wh.value(`SELECT count(*) FROM ${build}.${t}`))) out[m.name] = n;
  }
  await wh.run("DROP SCHEMA full_check CASCADE");
  return out;
}
