/**
 * The roster as a lookup for agent references (ingest and the re-check when the roster changes).
 */
import { ident, lit, type Warehouse } from "../../pipelines/db/warehouse.ts";

/**
 * How this file's agent references resolve to roster ids, both sides lower-cased (an id in capitals matches):
 * `<table>_levels(match_by, pri, key, cands)`, the roster ids each roster column (agent_match) finds for a text, and
 * `<table>(key, cands, match_by)`, for a text read on every level, the ids of the first level that finds it. One id
 * resolves the reference; several make it ambiguous (quarantined naming them). The roster in force decides; its
 * history is asked only for a text no row in force has (an agent found by an earlier name or email).
 */
export async function buildAgentLookup(wh: Warehouse, agentMatch: string[], table: string): Promise<void> {
  const parts = agentMatch.map(
    (col, i) =>
      `SELECT ${lit(col)} AS match_by, ${i} AS pri, lower(trim(${ident(col)})) AS key, agent_id, _current FROM raw.agents WHERE NOT _bad AND ${ident(col)} IS NOT NULL`,
  );
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${table}_levels AS
    SELECT match_by, pri, key,
      CASE WHEN bool_or(_current) THEN list_sort(list_distinct(list(agent_id) FILTER (WHERE _current))) ELSE list_sort(list_distinct(list(agent_id))) END AS cands
    FROM (${parts.join(" UNION ALL ")}) GROUP BY match_by, pri, key`);
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${table} AS
    SELECT key, arg_min(cands, pri) AS cands, arg_min(match_by, pri) AS match_by FROM ${table}_levels GROUP BY key`);
}

export async function dropAgentLookup(wh: Warehouse, table: string): Promise<void> {
  await wh.run(`DROP TABLE IF EXISTS ${table}; DROP TABLE IF EXISTS ${table}_levels`);
}
