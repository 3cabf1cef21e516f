/**
 * The roster as a lookup for agent references (ingest and the re-check when the roster changes).
 */
import { ident, lit, type Warehouse } from "../../core/db/warehouse.ts";

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
  // cands: the ids; n: how many; agent_id: the one id when there is exactly one (what most rows need, read cheaply)
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${table}_levels AS
    SELECT *, len(cands) AS n, CASE WHEN len(cands) = 1 THEN cands[1] END AS agent_id FROM (
      SELECT match_by, pri, key,
        CASE WHEN bool_or(_current) THEN list_sort(list_distinct(list(agent_id) FILTER (WHERE _current))) ELSE list_sort(list_distinct(list(agent_id))) END AS cands
      FROM (${parts.join(" UNION ALL ")}) GROUP BY match_by, pri, key)`);
  // the first level that finds a text decides, even where it finds several ids (ambiguous) and a later level one
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${table} AS
    SELECT key, cands, n, agent_id, match_by FROM ${table}_levels QUALIFY row_number() OVER (PARTITION BY key ORDER BY pri) = 1`);
}

/**
 * The lookup in the form the bulk check reads (check-sql.ts): an ENUM type of the keys and one row of lists in the
 * ENUM's order, so that a reference is resolved by casting its text to the ENUM and reading the lists at its code.
 * A join would do the same, but a join reorders the rows it reads, and a row's record number comes from the order in
 * which the file's rows were written; numbering the rows first (a window) doubled the check's cost.
 * `<table>_key` / `<table>_list` for texts read on every level; `<table>_lkey` / `<table>_llist` per level
 * (roster column, chr(31), text) for references with other columns to match on.
 */
export async function buildAgentLookupLists(wh: Warehouse, table: string): Promise<void> {
  await wh.run(`DROP TYPE IF EXISTS ${table}_key; DROP TYPE IF EXISTS ${table}_lkey`);
  await wh.run(`CREATE TEMP TYPE ${table}_key AS ENUM (SELECT key FROM ${table} ORDER BY key)`);
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${table}_list AS
    SELECT list(agent_id ORDER BY c) AS ids, list(n ORDER BY c) AS ns, list(cands ORDER BY c) AS cands, list(match_by ORDER BY c) AS bys
    FROM (SELECT *, enum_code(key::${table}_key) AS c FROM ${table})`);
  await wh.run(`CREATE TEMP TYPE ${table}_lkey AS ENUM (SELECT match_by || chr(31) || key AS k FROM ${table}_levels ORDER BY k)`);
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${table}_llist AS
    SELECT list(agent_id ORDER BY c) AS ids, list(n ORDER BY c) AS ns, list(cands ORDER BY c) AS cands, list(match_by ORDER BY c) AS bys
    FROM (SELECT *, enum_code((match_by || chr(31) || key)::${table}_lkey) AS c FROM ${table}_levels)`);
}

export async function dropAgentLookup(wh: Warehouse, table: string): Promise<void> {
  await wh.run(`DROP TABLE IF EXISTS ${table}; DROP TABLE IF EXISTS ${table}_levels; DROP TABLE IF EXISTS ${table}_list; DROP TABLE IF EXISTS ${table}_llist`);
  await wh.run(`DROP TYPE IF EXISTS ${table}_key; DROP TYPE IF EXISTS ${table}_lkey`);
}
