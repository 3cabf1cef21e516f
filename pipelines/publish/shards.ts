/**
 * Shards: the per-agent and per-period JSON files the boards fetch by URL parameter, cut from the published
 * tables (never from the warehouse), so one agent's page loads one small file whatever the department's size.
 * DuckDB builds each file's JSON text (columnar: {column: [values...]}); Node only writes the files.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Warehouse } from "../db/warehouse.ts";
import { ident, lit } from "../db/warehouse.ts";

/** A file-name-safe shard key (agent ids and periods are short ASCII in practice; anything else is encoded). */
export const shardName = (key: string) => encodeURIComponent(key).replaceAll("%", "_");

type Col = string | [name: string, expr: string];
const nameOf = (c: Col) => (typeof c === "string" ? c : c[0]);
const exprOf = (c: Col) => (typeof c === "string" ? ident(c) : c[1]);

/** `to_json({"a": list(a ORDER BY o), ...})`: one JSON object of column arrays per group. */
export function columnar(columns: Col[], orderBy: string): string {
  return `to_json({${columns.map((c) => `${lit(nameOf(c))}: coalesce(list(${exprOf(c)} ORDER BY ${orderBy}), [])`).join(", ")}})`;
}

// Doubles keep full precision: a board formats 39.9999999 as "40.0" and 40 as "40", as `appraisal explain` does,
// and rounding in the file would turn the one into the other.

const PERIOD_ORDER = "case period_type when 'month' then 0 when 'quarter' then 1 else 2 end, period";

const RANKING_COLUMNS: Col[] = [
  "period_type", "period", "version", "team", "tenure_months", "tickets_resolved", "composite", "grade", "weight_present",
  "ranked", "not_ranked_reason", "department_rank", "department_ranked", "percentile", "team_rank", "team_ranked",
  "previous_period", "composite_change", "rank_change",
];
/** per indicator row: `p` indexes the agent's periods, `i` the shard's indicator_ids */
const INDICATOR_COLUMNS: Col[] = [
  ["p", "p.pi"], ["i", "list_position(d.indicator_ids, s.indicator_id) - 1"],
  "raw_value", "sample", "numerator", "denominator", "p90", "mean",
  "department_value", "used_value", "floor_used", "target_used", "score", "missing",
  ["scored_at_floor", "s.scored_at_floor::int"], "weight", "effective_weight", "contribution",
];
const DIMENSION_COLUMNS: Col[] = [["p", "p.pi"], ["d", "list_position(d.dimension_ids, s.dimension_id) - 1"], "score", "effective_weight"];
/** 360 groups of quarters and years only (a month shows its quarter's reviews) */
const R360_COLUMNS: Col[] = [
  ["p", "p.pi"], ["relation", "list_position(d.relations, s.relation) - 1"], ["dimension", "list_position(d.dimensions, s.dimension) - 1"],
  "raters", "mean_score",
];
const PERIOD_RANKING_COLUMNS: Col[] = [
  "agent_id", "display_name", "team", "tenure_months", "tickets_resolved", "composite", "grade", "weight_present", "ranked",
  "not_ranked_reason", "department_rank", "department_ranked", "percentile", "team_rank", "team_ranked", "previous_period",
  "composite_change", "rank_change",
];

/** Write shards/agents/<id>.json and shards/rankings/<period>.json from the snapshot's Parquet tables in `dir`. */
export async function writeShards(wh: Warehouse, dir: string): Promise<{ agents: number; periods: number }> {
  const t = (name: string) => `read_parquet(${lit(path.join(dir, "tables", `${name}.parquet`))})`;
  const agentsDir = path.join(dir, "shards", "agents");
  const rankingsDir = path.join(dir, "shards", "rankings");
  mkdirSync(agentsDir, { recursive: true });
  mkdirSync(rankingsDir, { recursive: true });

  const parts = async (sql: string) => new Map((await wh.all<{ k: string; j: string }>(sql)).map((r) => [r.k, r.j]));
  // dictionaries shared by every agent file; rows carry indexes into them
  const dict = `(SELECT
      (SELECT list(DISTINCT indicator_id ORDER BY indicator_id) FROM ${t("indicator_scores")}) AS indicator_ids,
      (SELECT list(DISTINCT dimension_id ORDER BY dimension_id) FROM ${t("dimension_scores")}) AS dimension_ids,
      (SELECT coalesce(list(DISTINCT relation ORDER BY relation), []) FROM ${t("agent_360_groups")}) AS relations,
      (SELECT coalesce(list(DISTINCT dimension ORDER BY dimension), []) FROM ${t("agent_360_groups")}) AS dimensions) d`;
  const pidx = `(SELECT agent_id, period, row_number() OVER (PARTITION BY agent_id ORDER BY ${PERIOD_ORDER}) - 1 AS pi FROM ${t("rankings")}) p`;
  const dictJson = String(await wh.value(`SELECT to_json(d)::VARCHAR FROM ${dict}`));
  const rankings = await parts(`SELECT agent_id AS k, ${columnar(RANKING_COLUMNS, PERIOD_ORDER)}::VARCHAR AS j FROM ${t("rankings")} GROUP BY agent_id`);
  const who = await parts(
    `SELECT agent_id AS k, to_json(arg_max({agent_id: agent_id, display_name: display_name, team: team, department: department}, period))::VARCHAR AS j
     FROM ${t("rankings")} GROUP BY agent_id`,
  );
  const indicators = await parts(
    `SELECT s.agent_id AS k, ${columnar(INDICATOR_COLUMNS, "p.pi, s.ord")}::VARCHAR AS j
     FROM ${t("indicator_scores")} s JOIN ${pidx} USING (agent_id, period), ${dict} GROUP BY s.agent_id`,
  );
  const dimensions = await parts(
    `SELECT s.agent_id AS k, ${columnar(DIMENSION_COLUMNS, "p.pi, s.dimension_id")}::VARCHAR AS j
     FROM ${t("dimension_scores")} s JOIN ${pidx} USING (agent_id, period), ${dict} GROUP BY s.agent_id`,
  );
  const r360 = await parts(
    `SELECT s.agent_id AS k, ${columnar(R360_COLUMNS, "p.pi, s.relation, s.dimension")}::VARCHAR AS j
     FROM ${t("agent_360_groups")} s JOIN ${pidx} USING (agent_id, period), ${dict}
     WHERE s.period_type IN ('quarter', 'year') GROUP BY s.agent_id`,
  );
  const empty = (cols: Col[]) => JSON.stringify(Object.fromEntries(cols.map((c) => [nameOf(c), []])));
  for (const [id, ranks] of rankings) {
    const json = `{"agent":${who.get(id)},"dict":${dictJson},"periods":${ranks},"dimensions":${dimensions.get(id) ?? empty(DIMENSION_COLUMNS)},"indicators":${
      indicators.get(id) ?? empty(INDICATOR_COLUMNS)
    },"r360":${r360.get(id) ?? empty(R360_COLUMNS)}}`;
    writeFileSync(path.join(agentsDir, `${shardName(id)}.json`), json);
  }

  const perPeriod = await parts(`SELECT period AS k, ${columnar(PERIOD_RANKING_COLUMNS, "ranked DESC, department_rank, agent_id")}::VARCHAR AS j FROM ${t("rankings")} GROUP BY period`);
  const dimsPerPeriod = await parts(`SELECT period AS k, ${columnar(["agent_id", "dimension_id", "score"], "agent_id, dimension_id")}::VARCHAR AS j FROM ${t("dimension_scores")} GROUP BY period`);
  for (const [period, rows] of perPeriod) {
    writeFileSync(path.join(rankingsDir, `${shardName(period)}.json`), `{"period":${JSON.stringify(period)},"rows":${rows},"dimensions":${dimsPerPeriod.get(period) ?? "{}"}}`);
  }
  return { agents: rankings.size, periods: perPeriod.size };
}
