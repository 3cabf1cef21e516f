/**
 * Settle a batch that was just written to raw.<table>: move its bad rows to the quarantine, resolve duplicate
 * keys inside the file, and decide against the rows already in force which copy of each key is current.
 */
import { ident, lit, type Warehouse } from "../../pipelines/db/warehouse.ts";
import type { FieldSpec } from "../contracts/to-sql.ts";
import type { Contract } from "../contracts/tables.ts";

/** The quarantine's columns, named in every insert (the table grows columns over migrations). */
export const QUARANTINE_COLUMNS = "batch_id, source, file, target_table, record, line, field, value, reason, related_record";

export interface BatchContext {
  batchId: number;
  source: string;
  file: string;
  table: string;
  /** SQL giving a batch row's record number from `_position` (its 1-based position among the rows written) */
  recordOf: (position: string) => string;
  /** physical line of record 1, for formats with lines and no own line column (CSV) */
  firstDataLine: number | null;
}

export interface SettleResult {
  inserted: number;
  replaced: number;
  unchanged: number;
  superseded: number;
}

/** rows of this batch with their position, record and line */
function batchRows(ctx: BatchContext, where: string): string {
  const raw = `raw.${ctx.table}`;
  const rec = `coalesce(_record, ${ctx.recordOf("_position")})`;
  const line = ctx.firstDataLine === null ? "NULL::BIGINT" : `(${rec} + ${ctx.firstDataLine - 1})`;
  return `(SELECT *, ${rec} AS _rec, ${line} AS _ln FROM (
      SELECT *, rowid AS _rid, rowid - (SELECT min(rowid) FROM ${raw} WHERE _batch_id = ${ctx.batchId}) + 1 AS _position
      FROM ${raw} WHERE _batch_id = ${ctx.batchId}) WHERE ${where})`;
}

export async function settleBatch(wh: Warehouse, contract: Contract, specs: FieldSpec[], ctx: BatchContext, tableHadRows: boolean): Promise<SettleResult> {
  const raw = `raw.${ctx.table}`;
  const head = `${ctx.batchId}, ${lit(ctx.source)}, ${lit(ctx.file)}, ${lit(ctx.table)}`;

  // 1. bad rows: every problem becomes a quarantine line; the row leaves the raw table
  const bad = Number(await wh.value(`SELECT count(*) FROM ${raw} WHERE _batch_id = ${ctx.batchId} AND _bad`));
  if (bad > 0) {
    await wh.run(`INSERT INTO meta.quarantine (${QUARANTINE_COLUMNS})
      SELECT ${head}, _rec, _ln, p.field, p.value, p.reason, NULL
      FROM (SELECT _rec, _ln, unnest(_problems) AS p FROM ${batchRows(ctx, "_bad")})`);
    await wh.run(`DELETE FROM ${raw} WHERE _batch_id = ${ctx.batchId} AND _bad`);
  }

  // 2. the same key twice in this file: the newest version wins; a second copy of the same version is quarantined
  const key = contract.key.map(ident);
  const keyList = key.join(", ");
  const version = contract.version ? ident(contract.version) : null;
  const dupRows = Number(
    await wh.value(`SELECT count(*) - count(DISTINCT (${keyList})) FROM ${raw} WHERE _batch_id = ${ctx.batchId}`),
  );
  let superseded = 0;
  if (dupRows > 0) {
    const dups = `dups_${ctx.batchId}`;
    const order = version ? `${version} DESC NULLS LAST, _rec` : "_rec";
    await wh.run(`CREATE OR REPLACE TEMP TABLE ${dups} AS
      SELECT _rid, _rec, _ln, ${keyList}, _v, row_number() OVER w AS _rn, first_value(_rec) OVER w AS _kept, first_value(_v) OVER w AS _kept_v
      FROM (SELECT *, ${version ?? "NULL"} AS _v FROM ${batchRows(ctx, `(${keyList}) IN (
        SELECT (${keyList}) FROM ${raw} WHERE _batch_id = ${ctx.batchId} GROUP BY ${keyList} HAVING count(*) > 1)`)})
      WINDOW w AS (PARTITION BY ${keyList} ORDER BY ${order})`);
    const keyText = key.length === 1 ? `CAST(${key[0]} AS VARCHAR)` : `concat_ws(' / ', ${keyList})`;
    await wh.run(`INSERT INTO meta.quarantine (${QUARANTINE_COLUMNS})
      SELECT ${head}, _rec, _ln, ${lit(contract.key.join("+"))}, left(${keyText}, 200),
        'duplicate ${contract.key.join("+")} in this file; the copy in related_record was kept', _kept
      FROM ${dups} WHERE _rn > 1 AND (_v IS NOT DISTINCT FROM _kept_v)`);
    await wh.run(`DELETE FROM ${raw} WHERE rowid IN (SELECT _rid FROM ${dups} WHERE _rn > 1 AND (_v IS NOT DISTINCT FROM _kept_v))`);
    superseded = await wh.exec(`UPDATE ${raw} SET _current = false WHERE rowid IN (SELECT _rid FROM ${dups} WHERE _rn > 1)`);
    await wh.run(`DROP TABLE ${dups}`);
  }

  // 3. against what is in force: a newer version (or, without versions, a changed row) replaces the old one;
  //    an identical or older copy is dropped, so that loading the same data again changes nothing
  let replaced = 0;
  let unchanged = 0;
  if (tableHadRows) {
    const cols = specs.map((s) => ident(s.name));
    const newer = version
      ? `n.${version} > o.${version}`
      : cols.map((c) => `n.${c} IS DISTINCT FROM o.${c}`).join(" OR ");
    const cmp = `cmp_${ctx.batchId}`;
    await wh.run(`CREATE OR REPLACE TEMP TABLE ${cmp} AS
      SELECT n.rowid AS new_rid, o.rowid AS old_rid, (${newer}) AS newer
      FROM ${raw} n JOIN ${raw} o ON ${key.map((k) => `n.${k} = o.${k}`).join(" AND ")}
      WHERE n._batch_id = ${ctx.batchId} AND n._current AND o._batch_id <> ${ctx.batchId} AND o._current`);
    replaced = await wh.exec(`UPDATE ${raw} SET _current = false WHERE rowid IN (SELECT old_rid FROM ${cmp} WHERE newer)`);
    unchanged = await wh.exec(`DELETE FROM ${raw} WHERE rowid IN (SELECT new_rid FROM ${cmp} WHERE NOT newer)`);
    await wh.run(`DROP TABLE ${cmp}`);
  }
  const current = Number(await wh.value(`SELECT count(*) FROM ${raw} WHERE _batch_id = ${ctx.batchId} AND _current`));
  return { inserted: current - replaced, replaced, unchanged, superseded };
}
