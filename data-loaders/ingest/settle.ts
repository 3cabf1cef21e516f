/**
 * Settle a batch that was just written to raw.<table>: quarantine its bad rows, resolve duplicate keys inside the
 * file, and decide, with the rows already loaded, which copy of each key is in force.
 *
 * Versions (tables with a version column: tickets) are ordered so that the order of files and rows never matters:
 *   1. the version column (updated_at), newest first;
 *   2. on a tie, the rank of the status (contracts/tables.ts TICKET_STATUS_RANK: deleted/spam/merged >
 *      closed > resolved > pending > on_hold > open > new);
 *   3. on a tie of both, the content hash of the row (md5 of its canonical fields as text; times as epoch
 *      microseconds), the larger first.
 * Every distinct version stays (history); exactly one per key is _current; a copy identical to one already loaded
 * is dropped. Tables without versions keep the copy of the latest batch (a corrected roster replaces the old one).
 *
 * A quarantined row stays in the raw table (_bad, never _current) while it can matter: a quarantined version of a
 * ticket newer than the one in force holds the ticket out of the metrics (stg_tickets_held), and a row quarantined
 * only for its agent references is re-checked when the roster changes (recheck.ts). A later load of a version at
 * least as new corrects it: its quarantine lines are resolved and the bad copy goes.
 */
import type { Contract } from "../../core/contracts/tables.ts";
import type { FieldSpec } from "../../core/contracts/to-sql.ts";
import { ident, lit, type Warehouse } from "../../core/db/warehouse.ts";
import { supersededResolution } from "../../core/quarantine.ts";

/** The quarantine's columns, named in every insert (the table grows columns over migrations). */
export const QUARANTINE_COLUMNS = "batch_id, source, file, target_table, record, line, field, value, reason, related_record, related_line";

export interface BatchContext {
  batchId: number;
  source: string;
  file: string;
  table: string;
  /** SQL giving a batch row's record number from `_position` (its 1-based position among the rows written) */
  recordOf: (position: string) => string;
  /** rowid of the batch's first row as written (positions count from it, whatever is deleted later), as SQL text */
  firstRowid: string;
  /** SQL giving the physical line of record `record` where the source knows it (JSON), else NULL */
  lineOf: (record: string) => string;
  /** CSV: the physical lines where these records start (a scan of the file) */
  linesOfRecords?: (records: number[]) => Promise<Map<number, number>>;
  /** keys of rows that left the table in this transaction (a file read again under a changed mapping): settled again */
  extraKeys?: string;
}

export interface SettleResult {
  inserted: number;
  replaced: number;
  unchanged: number;
  superseded: number;
}

/** The content hash of a row: md5 of its canonical fields as text (times as epoch microseconds, zone-free). */
export function contentHashSql(specs: FieldSpec[], alias = ""): string {
  const a = alias ? `${alias}.` : "";
  const parts = specs.map((s) =>
    s.kind === "timestamp" ? `CAST(epoch_us(${a}${ident(s.name)}) AS VARCHAR)` : `CAST(${a}${ident(s.name)} AS VARCHAR)`,
  );
  return `md5(CAST(to_json([${parts.join(", ")}]) AS VARCHAR))`;
}

/** SQL of the rank of a row's version on a tie (NULL: cannot be ordered), or NULL for contracts without one. */
export function versionRankSql(contract: Contract, alias = ""): string {
  const r = contract.versionRank;
  if (!r) return "NULL::INTEGER";
  const a = alias ? `${alias}.` : "";
  const whens = Object.entries(r.rank).map(([value, rank]) => `WHEN ${lit(value)} THEN ${rank}`);
  return `(CASE ${a}${ident(r.column)} ${whens.join(" ")} END)`;
}

/** ORDER BY items putting the version in force first (see the top of this file). */
export function newestFirst(contract: Contract, specs: FieldSpec[]): string {
  if (!contract.version) return `_batch_id DESC, ${contentHashSql(specs)} DESC`;
  return `${ident(contract.version)} DESC NULLS LAST, ${versionRankSql(contract)} DESC NULLS LAST, ${contentHashSql(specs)} DESC`;
}

/**
 * The rows of `raw` that `where` selects (over alias o), whole, with their rowid as _orid: found first by the few
 * columns `where` reads, then read by rowid. Joined to the batch in one step, DuckDB read every column of every row of
 * the table before the join (10M tickets, a delta of 19K: the identical-copies step 1.3-2.6 s, against 0.3 s this way).
 */
function rowsWhere(raw: string, where: string): string {
  return `(SELECT rowid AS _orid, * FROM ${raw} WHERE rowid IN (SELECT o.rowid FROM ${raw} o WHERE ${where}))`;
}

/** rows of this batch with their rowid, record (CSV: from the row's position) and line */
function batchRows(ctx: BatchContext, where: string): string {
  const raw = `raw.${ctx.table}`;
  const rec = `coalesce(batch_row._record, ${ctx.recordOf(`(batch_row.rowid - ${ctx.firstRowid} + 1)`)})`;
  return `(SELECT *, rowid AS _rid, ${rec} AS _rec, ${ctx.lineOf(rec)} AS _ln FROM ${raw} batch_row
    WHERE _batch_id = ${ctx.batchId} AND (${where}))`;
}

const keyMatch = (key: string[], a: string, b: string) => key.map((k) => `${a}.${k} = ${b}.${k}`).join(" AND ");
/**
 * The batch's rows that `where` selects, copied into a temporary table with their rowids (`_rid`), to join with the rows
 * loaded before. Joined straight to the raw table, DuckDB built the self-join's hash table on every loaded row with
 * all its columns, not on the batch (a 19K-row delta into 10M tickets: 4.3 GiB and 5 s; from the copy: 0.8 GiB, 1.6 s).
 */
async function batchCopy(wh: Warehouse, raw: string, B: number, where: string): Promise<string> {
  const copy = `batch_${B}`;
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${copy} AS SELECT rowid AS _rid, * FROM ${raw} WHERE _batch_id = ${B} AND ${where}`);
  return copy;
}

export async function settleBatch(wh: Warehouse, contract: Contract, specs: FieldSpec[], ctx: BatchContext, tableHadRows: boolean): Promise<SettleResult> {
  const raw = `raw.${ctx.table}`;
  const head = `${ctx.batchId}, ${lit(ctx.source)}, ${lit(ctx.file)}, ${lit(ctx.table)}`;
  const qcols = `(${QUARANTINE_COLUMNS})`;
  const key = contract.key.map(ident);
  const keyList = key.join(", ");
  const B = ctx.batchId;

  // 1. bad rows: every problem becomes a quarantine line. The row stays (never in force) where it can still matter:
  //    a version of a record (it may be newer than the one in force), or a row whose agent the roster may yet name;
  //    the others leave the table.
  const bad = Number(await wh.value(`SELECT count(*) FROM ${raw} WHERE _batch_id = ${B} AND _bad`));
  if (bad > 0) {
    await wh.run(`INSERT INTO meta.quarantine ${qcols}
      SELECT ${head}, _rec, _ln, p.field, p.value, p.reason, NULL, NULL
      FROM (SELECT _rec, _ln, unnest(_problems) AS p FROM ${batchRows(ctx, "_bad")})`);
    // a quarantined row keeps its record number: it is named by (batch, record) from here on
    await wh.run(`UPDATE ${raw} SET _record = b._rec FROM ${batchRows(ctx, "_bad AND _record IS NULL")} b WHERE ${raw}.rowid = b._rid`);
    const keep = `${key.map((k) => `${k} IS NOT NULL`).join(" AND ")} AND (${contract.version ? "true" : "len(list_filter(_problems, p -> p.match IS NOT NULL)) > 0"})`;
    await wh.run(`DELETE FROM ${raw} WHERE _batch_id = ${B} AND _bad AND NOT (${keep})`);
  }

  // 2. the same key twice in this file. Versions: an identical copy is quarantined as a duplicate, other copies are
  //    versions (settled below). Without versions: one copy is kept (the largest content hash, so that the order of
  //    rows does not matter; identical copies: the first), the others are quarantined.
  //    Counted first on the keys' hashes, which are never more distinct than the keys: when every hash is distinct,
  //    so is every key (10M tickets in the load's transaction: 2.5-2.6 s by the keys, 1.6 s by their hashes); else
  //    counted again on the keys themselves.
  const batchKeys = `FROM ${raw} WHERE _batch_id = ${B} AND NOT _bad`;
  const hashes = key.length === 1 ? `count(DISTINCT hash(${keyList})) FILTER (WHERE ${keyList} IS NOT NULL)` : `count(DISTINCT hash(${keyList}))`;
  const dupRows =
    Number(await wh.value(`SELECT count(*) - ${hashes} ${batchKeys}`)) === 0
      ? 0
      : Number(await wh.value(`SELECT count(*) - count(DISTINCT (${keyList})) ${batchKeys}`));
  if (dupRows > 0) {
    const dups = `dups_${B}`;
    const partition = contract.version ? `${keyList}, _h` : keyList;
    await wh.run(`CREATE OR REPLACE TEMP TABLE ${dups} AS
      SELECT _rid, _rec, _ln, ${keyList}, row_number() OVER w AS _rn, first_value(_rec) OVER w AS _kept
      FROM (SELECT *, ${contentHashSql(specs)} AS _h FROM ${batchRows(ctx, `NOT _bad AND (${keyList}) IN (
        SELECT (${keyList}) FROM ${raw} WHERE _batch_id = ${B} AND NOT _bad GROUP BY ${keyList} HAVING count(*) > 1)`)})
      WINDOW w AS (PARTITION BY ${partition} ORDER BY _h DESC, _rec)`);
    const keyText = key.length === 1 ? `CAST(${key[0]} AS VARCHAR)` : `concat_ws(' / ', ${keyList})`;
    // the copy kept is named by its line where the file has lines (what a user opens), else by its record
    const keptLines = `kept_${B}`;
    await wh.run(`CREATE OR REPLACE TEMP TABLE ${keptLines} AS
      SELECT DISTINCT _kept AS record, ${ctx.lineOf("d._kept")} AS line FROM ${dups} d WHERE _rn > 1`);
    if (ctx.linesOfRecords) {
      const records = (await wh.all<{ record: number }>(`SELECT record FROM ${keptLines}`)).map((r) => r.record);
      const lines = await ctx.linesOfRecords(records);
      for (const [record, line] of lines) await wh.run(`UPDATE ${keptLines} SET line = ${line} WHERE record = ${record}`);
    }
    await wh.run(`INSERT INTO meta.quarantine ${qcols}
      SELECT ${head}, d._rec, d._ln, ${lit(contract.key.join("+"))}, left(${keyText}, 200),
        'duplicate ${contract.key.join("+")} in this file; the other copy was kept', d._kept, k.line
      FROM ${dups} d JOIN ${keptLines} k ON k.record = d._kept WHERE d._rn > 1`);
    await wh.run(`DROP TABLE ${keptLines}`);
    await wh.run(`DELETE FROM ${raw} WHERE rowid IN (SELECT _rid FROM ${dups} WHERE _rn > 1)`);
    await wh.run(`DROP TABLE ${dups}`);
  }

  const cols = specs.map((s) => ident(s.name));
  const same = cols.map((c) => `n.${c} IS NOT DISTINCT FROM o.${c}`).join(" AND ");
  let unchanged = 0;
  let replaced = 0;

  if (!contract.version) {
    // 3. against what is in force: a changed row of a later batch replaces it; an identical copy is dropped
    if (tableHadRows) {
      const cmp = `cmp_${B}`;
      const mine = await batchCopy(wh, raw, B, "_current");
      await wh.run(`CREATE OR REPLACE TEMP TABLE ${cmp} AS
        SELECT n._rid AS new_rid, o._orid AS old_rid, NOT (${same}) AS newer
        FROM ${mine} n JOIN ${rowsWhere(raw, `o._batch_id <> ${B} AND o._current AND (${keyList}) IN (SELECT (${keyList}) FROM ${mine})`)} o
          ON ${keyMatch(key, "n", "o")}`);
      await wh.run(`DROP TABLE ${mine}`);
      replaced = await wh.exec(`UPDATE ${raw} SET _current = false WHERE rowid IN (SELECT old_rid FROM ${cmp} WHERE newer)`);
      unchanged = await wh.exec(`DELETE FROM ${raw} WHERE rowid IN (SELECT new_rid FROM ${cmp} WHERE NOT newer)`);
      await wh.run(`DROP TABLE ${cmp}`);
    }
    if (ctx.extraKeys) await resettleKeys(wh, contract, specs, ctx.extraKeys);
    await correctQuarantined(wh, contract, { good: `g._batch_id = ${B}`, bad: `b._batch_id = ${B}` });
    const current = Number(await wh.value(`SELECT count(*) FROM ${raw} WHERE _batch_id = ${B} AND _current`));
    return { inserted: current - replaced, replaced, unchanged, superseded: 0 };
  }

  // 3. versions: a copy identical to a version already loaded changes nothing
  if (tableHadRows) {
    const mine = await batchCopy(wh, raw, B, "NOT _bad");
    unchanged = await wh.exec(`DELETE FROM ${raw} WHERE rowid IN (
      SELECT n._rid FROM ${mine} n
      JOIN ${rowsWhere(raw, `o._batch_id <> ${B} AND NOT o._bad AND (${keyList}) IN (SELECT (${keyList}) FROM ${mine})`)} o ON ${keyMatch(key, "n", "o")}
      WHERE ${same})`);
    await wh.run(`DROP TABLE ${mine}`);
  }
  // 4. keys with more than one version (here or already loaded), and keys that lost rows: the newest is in force
  const keys = `keys_${B}`;
  // (a fresh table with no duplicate in the file has none: most first loads skip the work)
  const parts: string[] = [];
  if (dupRows > 0) parts.push(`SELECT ${keyList} FROM ${raw} WHERE _batch_id = ${B} AND NOT _bad GROUP BY ${keyList} HAVING count(*) > 1`);
  if (tableHadRows) {
    parts.push(`SELECT DISTINCT ${keyList} FROM ${raw} WHERE _batch_id <> ${B} AND NOT _bad
      AND (${keyList}) IN (SELECT (${keyList}) FROM ${raw} WHERE _batch_id = ${B} AND NOT _bad)`);
  }
  if (ctx.extraKeys) parts.push(`SELECT ${keyList} FROM ${ctx.extraKeys}`);
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${keys} AS ${parts.length ? parts.join(" UNION ") : `SELECT ${keyList} FROM ${raw} WHERE false`}`);
  const prev = `prev_${B}`;
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${prev} AS
    SELECT rowid AS rid, ${keyList} FROM ${raw} WHERE _current AND _batch_id <> ${B} AND (${keyList}) IN (SELECT (${keyList}) FROM ${keys})`);
  await resettleKeys(wh, contract, specs, keys);
  replaced = Number(
    await wh.value(`SELECT count(*) FROM ${prev} p JOIN ${raw} r ON r.rowid = p.rid
      WHERE NOT r._current AND EXISTS (SELECT 1 FROM ${raw} c WHERE ${keyMatch(key, "c", "p")} AND c._current AND c._batch_id = ${B})`),
  );
  const current = Number(await wh.value(`SELECT count(*) FROM ${raw} WHERE _batch_id = ${B} AND _current`));
  const superseded = Number(await wh.value(`SELECT count(*) FROM ${raw} WHERE _batch_id = ${B} AND NOT _bad AND NOT _current`));
  await wh.run(`DROP TABLE ${prev}; DROP TABLE ${keys}`);

  // 5. a quarantined copy made moot by a good one at least as new (either of them from this batch)
  await correctQuarantined(wh, contract, { good: `g._batch_id = ${B}`, bad: `b._batch_id = ${B}` });
  return { inserted: current - replaced, replaced, unchanged, superseded };
}

/** Set _current for every row of the keys in `keysTable`: the newest good row of each key (see the top of this file). */
export async function resettleKeys(wh: Warehouse, contract: Contract, specs: FieldSpec[], keysTable: string): Promise<void> {
  const raw = `raw.${contract.table}`;
  const keyList = contract.key.map(ident).join(", ");
  const ranked = `ranked_${keysTable}`;
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${ranked} AS
    SELECT _orid AS rid, row_number() OVER (PARTITION BY ${keyList} ORDER BY ${newestFirst(contract, specs)}) = 1 AS in_force
    FROM ${rowsWhere(raw, `NOT o._bad AND (${keyList}) IN (SELECT (${keyList}) FROM ${keysTable})`)}`);
  await wh.run(`UPDATE ${raw} SET _current = r.in_force FROM ${ranked} r WHERE ${raw}.rowid = r.rid AND ${raw}._current <> r.in_force`);
  await wh.run(`DROP TABLE ${ranked}`);
}

/**
 * A condition over a quarantined version `b` and a good version `g` of the same key: `g` is at least as new, so `b`
 * no longer matters (a version that cannot be ordered is settled by any later one).
 */
export function atLeastAsNew(contract: Contract, g: string, b: string): string {
  if (!contract.version) return `${g}._batch_id >= ${b}._batch_id`;
  const v = ident(contract.version);
  const rg = versionRankSql(contract, g);
  const rb = versionRankSql(contract, b);
  return `(${b}.${v} IS NULL OR ${g}.${v} > ${b}.${v} OR (${g}.${v} = ${b}.${v} AND (${rb} IS NULL OR ${rg} >= ${rb})))`;
}

/**
 * Quarantined copies that a good copy of the same record at least as new makes moot (a corrected re-load, or a bad
 * old version loaded after a newer good one): their lines are resolved and they leave the table. `scope` says which
 * pairs to look at: good copies matching `good` (alias g) or bad ones matching `bad` (alias b).
 */
export async function correctQuarantined(wh: Warehouse, contract: Contract, scope: { good?: string; bad?: string }): Promise<void> {
  const raw = `raw.${contract.table}`;
  const key = contract.key.map(ident);
  const fixed = `fixed_${process.pid}_${++fixCounter}`;
  const where = [scope.good, scope.bad].filter(Boolean).join(" OR ");
  if (!Number(await wh.value(`SELECT count(*) FROM (SELECT 1 FROM ${raw} WHERE _bad LIMIT 1)`))) return;
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${fixed} AS
    SELECT b.rowid AS rid, any_value(b._batch_id) AS batch_id, any_value(b._record) AS record, max(g._batch_id) AS by_batch
    FROM ${raw} b JOIN ${raw} g ON ${keyMatch(key, "g", "b")}
    WHERE b._bad AND NOT g._bad AND (${where}) AND ${atLeastAsNew(contract, "g", "b")}
    GROUP BY b.rowid`);
  await wh.run(`UPDATE meta.quarantine q SET resolved_at = current_timestamp,
      resolution = ${supersededResolution("f.by_batch")}
    FROM ${fixed} f WHERE q.batch_id = f.batch_id AND q.record = f.record AND q.target_table = ${lit(contract.table)} AND q.resolved_at IS NULL`);
  await wh.run(`DELETE FROM ${raw} WHERE rowid IN (SELECT rid FROM ${fixed})`);
  await wh.run(`DROP TABLE ${fixed}`);
}

let fixCounter = 0;
