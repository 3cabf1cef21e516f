/**
 * Fingerprints of tables and rows: the number of rows and a sha256 over the sorted md5 of each row's text, so that
 * the hash depends on the content and not on the order rows arrive in. DuckDB renders a double as its shortest
 * round-trip text, so the same bits always give the same hash.
 */
import type { Warehouse } from "../../core/db/warehouse.ts";

export interface Fingerprint {
  rows: number;
  sha256: string;
}

/** The fingerprint of the rows a SELECT returns. */
export async function fingerprint(wh: Warehouse, select: string, params?: Record<string, string>): Promise<Fingerprint> {
  const r = await wh.one<Fingerprint>(
    `SELECT count(*) AS rows, sha256(coalesce(string_agg(h, '' ORDER BY h), '')) AS sha256
     FROM (SELECT md5(CAST(x AS VARCHAR)) AS h FROM (${select}) x)`,
    params,
  );
  return { rows: Number(r?.rows ?? 0), sha256: r?.sha256 ?? "" };
}

export interface BatchFingerprint extends Fingerprint {
  table: string;
  batch_id: number;
}

/** The raw tables (every canonical input table). */
export async function rawTables(wh: Warehouse): Promise<string[]> {
  const rows = await wh.all<{ t: string }>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'raw' ORDER BY 1");
  return rows.map((r) => `raw.${r.t}`);
}

/**
 * The rows in force (_current) of every raw table, per input batch: what the models read. A row's text includes its
 * batch and record number, so a row edited in place, or replaced by a later batch, changes its batch's fingerprint.
 */
export async function inputFingerprints(wh: Warehouse): Promise<BatchFingerprint[]> {
  const out: BatchFingerprint[] = [];
  for (const table of await rawTables(wh)) {
    const rows = await wh.all<{ batch_id: number; rows: number; sha256: string }>(
      `SELECT _batch_id AS batch_id, count(*) AS rows, sha256(string_agg(h, '' ORDER BY h)) AS sha256
       FROM (SELECT _batch_id, md5(CAST(x AS VARCHAR)) AS h FROM (SELECT * EXCLUDE (_current, _problems) FROM ${table} WHERE _current) x)
       GROUP BY _batch_id ORDER BY _batch_id`,
    );
    for (const r of rows) out.push({ table, batch_id: Number(r.batch_id), rows: Number(r.rows), sha256: r.sha256 });
  }
  return out;
}

/** Records people keep in meta that the models read: corrections of accepted appeals, exclusions, committee decisions. */
export const RECORD_TABLES = ["meta.corrections", "meta.tracker_exclusions", "meta.committee_decisions"];

export async function recordFingerprints(wh: Warehouse): Promise<Record<string, Fingerprint>> {
  const out: Record<string, Fingerprint> = {};
  for (const t of RECORD_TABLES) out[t] = await fingerprint(wh, `SELECT * FROM ${t}`);
  return out;
}

/**
 * The published tables restricted to one scheme and period: every mart relation with a period (or quarter) column,
 * filtered on it, and on the scheme where the relation has one. `relation` maps mart.x to where it is read from (the
 * published view, or a verification's build). Relations without a period column are not per period and are skipped.
 */
export async function tableFingerprints(
  wh: Warehouse,
  names: string[],
  scheme: string,
  period: string,
  relation: (name: string) => string = (name) => name,
): Promise<Record<string, Fingerprint>> {
  const out: Record<string, Fingerprint> = {};
  for (const name of names) {
    const cols = new Set((await wh.all<{ c: string }>(`SELECT column_name AS c FROM (DESCRIBE SELECT * FROM ${relation(name)})`)).map((r) => r.c));
    const periodCol = cols.has("period") ? "period" : cols.has("quarter") ? "quarter" : null;
    if (!periodCol) continue;
    const bySchemeToo = cols.has("scheme_id");
    out[name] = await fingerprint(
      wh,
      `SELECT * FROM ${relation(name)} WHERE ${periodCol} = $period${bySchemeToo ? " AND scheme_id = $scheme" : ""}`,
      bySchemeToo ? { period, scheme } : { period },
    );
  }
  return out;
}
