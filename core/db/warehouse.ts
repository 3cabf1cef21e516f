/**
 * The one database module: open the warehouse, run work in a connection or a transaction, close in `finally`.
 * Every connection is set to the department's time zone, so that `date_trunc('month', ts)` is a local month.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from "@duckdb/node-api";
import { msg } from "../messages.ts";
import { migrate } from "./migrate.ts";

export type Params = Record<string, DuckDBValue> | DuckDBValue[];
export type Row = Record<string, unknown>;

export interface OpenOptions {
  timezone: string;
  readOnly?: boolean;
  /** DuckDB memory_limit, for example '4GB' */
  memoryLimit?: string;
  threads?: number;
}

/**
 * Below this many rows on one side (DuckDB's estimate), a join on a range rather than on equal keys compares every
 * pair of rows instead of sorting both sides (DuckDB's default: 5 rows). The models' range joins place tickets, cells
 * and dated records in the periods that contain them, and the periods are a few dozen rows (months, quarters and
 * years): sorting 10M tickets to merge them with 30 periods cost more than comparing each with every period.
 * agent_month_cells' query at 10M tickets: 6.9-7.2 s -> 3.5 s; at 1M, agent_month_cells 0.65-0.73 -> 0.31-0.35 s,
 * indicator_input_counts 1.94-1.98 -> 1.42-1.54 s, agent_cells 1.19-1.42 -> 0.90-1.16 s, no model slower
 * (2026-11-27). Ten years of periods (170 rows) stay under it.
 */
export const NESTED_LOOP_JOIN_ROWS = 200;

/**
 * The storage format a new warehouse file is written in: DuckDB's 1.4 (long-term support) format rather than its
 * default, the 1.0 format that any DuckDB since 1.0 can read. The newer format compresses text with DICT_FSST, one
 * dictionary of FSST-compressed strings, where the old one tries a plain dictionary and FSST separately for every
 * segment; nearly every column the models write is text (ids, periods, kinds of ticket). Two fresh ingests and full
 * runs each, interleaved (2026-11-27): at 1,000,000 tickets ingest 8.1-9.0 -> 7.0-7.1 s, run 32.9-33.5 -> 29.4-31.2 s,
 * the file 236 -> 230 MiB; at 10,000,000 ingest 63.9-74.6 -> 52.4-59.4 s, run 63.7-68.5 -> 57.7-60.9 s, peak memory
 * 3.26-3.39 -> 3.05-3.25 GiB, the file 875 -> 905 MiB. Copying agent_cells alone at 1M: 2.05-2.39 -> 1.44-1.72 s.
 * A file keeps the format it was created in (DuckDB reads both): an older warehouse opens as before, without the
 * gain; `appraisal status` names the format.
 */
export const STORAGE_VERSION = "v1.4.0";

export class Warehouse {
  private constructor(
    readonly file: string,
    readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    readonly timezone: string,
  ) {}

  static async open(file: string, opts: OpenOptions): Promise<Warehouse> {
    if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const options: Record<string, string> = {};
    if (opts.readOnly) options.access_mode = "READ_ONLY";
    if (opts.memoryLimit) options.memory_limit = opts.memoryLimit;
    if (opts.threads) options.threads = String(opts.threads);
    // applies to a file this creates; an existing one keeps its own
    if (!opts.readOnly) options.storage_compatibility_version = STORAGE_VERSION;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(file, options);
    } catch (e) {
      const text = (e as Error).message;
      if (/lock/i.test(text)) throw new Error(msg.warehouseLocked(file));
      throw e;
    }
    const conn = await instance.connect();
    if (process.env.APPRAISAL_TRACE_SQL) traceStatements(conn, Number(process.env.APPRAISAL_TRACE_SQL) || 0.3);
    await conn.run("SET enable_progress_bar = true; SET enable_progress_bar_print = false");
    await conn.run(`SET TimeZone = '${opts.timezone.replaceAll("'", "''")}'`);
    await conn.run(`SET nested_loop_join_threshold = ${NESTED_LOOP_JOIN_ROWS}`);
    const wh = new Warehouse(file, instance, conn, opts.timezone);
    if (!opts.readOnly) await migrate(wh);
    return wh;
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.conn.run(sql, params as never);
  }

  /** Run a long statement, reporting DuckDB's own progress estimate (0-100) every 200 ms while it runs. */
  async runWithProgress(sql: string, onProgress?: (percent: number) => void, params?: Params): Promise<void> {
    if (!onProgress) return this.run(sql, params);
    const timer = setInterval(() => {
      const p = this.conn.progress.percentage;
      if (p >= 0) onProgress(p);
    }, 200);
    try {
      await this.conn.run(sql, params as never);
    } finally {
      clearInterval(timer);
    }
  }

  /** Run a statement and return the number of rows it inserted, updated or deleted. */
  async exec(sql: string, params?: Params): Promise<number> {
    const result = await this.conn.run(sql, params as never);
    return result.rowsChanged;
  }

  /** Rows as plain objects; BIGINTs that fit become numbers, dates and timestamps become Date. */
  async all<T = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.conn.runAndReadAll(sql, params as never);
    return reader.getRowObjectsJS().map(plain) as T[];
  }

  async one<T = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async value<T = unknown>(sql: string, params?: Params): Promise<T> {
    const reader = await this.conn.runAndReadAll(sql, params as never);
    return toPlain(reader.getRowsJS()[0]?.[0]) as T;
  }

  /** The storage format of the warehouse's file (STORAGE_VERSION for one this code created; v1.0.0+ for an older one). */
  async storageVersion(): Promise<string | null> {
    return this.value<string | null>("SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = current_database()");
  }

  private afterCommit: Array<() => void> | null = null;

  /** Run `fn` in one transaction: all of it lands, or none of it. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.conn.run("BEGIN TRANSACTION");
    this.afterCommit = [];
    try {
      const result = await fn();
      await this.conn.run("COMMIT");
      const callbacks = this.afterCommit;
      this.afterCommit = null;
      for (const cb of callbacks) cb();
      return result;
    } catch (e) {
      this.afterCommit = null;
      try {
        await this.conn.run("ROLLBACK");
      } catch {
        // the transaction may already be aborted
      }
      throw e;
    }
  }

  /** Do `fn` once the current transaction has committed (at once when there is none); dropped on rollback. */
  onCommit(fn: () => void): void {
    if (this.afterCommit) this.afterCommit.push(fn);
    else fn();
  }

  close(): void {
    try {
      this.conn.closeSync();
    } finally {
      this.instance.closeSync();
    }
  }
}

/**
 * APPRAISAL_TRACE_SQL=<seconds> (1 for the default 0.3 s): every statement slower than that, or that grew the process's
 * memory by more than 256 MiB, goes to stderr with its seconds, the memory after it and the peak so far, to find where a
 * command's time and memory go (the settle step's self-join at 4.3 GiB was found this way).
 */
function traceStatements(conn: DuckDBConnection, seconds: number): void {
  const limit = seconds === 1 ? 0.3 : seconds;
  const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(2);
  // runAndReadAll calls run itself: only the outer call is timed and printed, or each query printed twice
  let depth = 0;
  for (const name of ["run", "runAndReadAll"] as const) {
    const original = conn[name].bind(conn) as (sql: string, ...rest: unknown[]) => Promise<unknown>;
    (conn as unknown as Record<string, unknown>)[name] = async (sql: string, ...rest: unknown[]) => {
      if (depth > 0) return original(sql, ...rest);
      const [t0, rss0] = [performance.now(), process.memoryUsage.rss()];
      depth++;
      try {
        return await original(sql, ...rest);
      } finally {
        depth--;
        const [s, rss] = [(performance.now() - t0) / 1000, process.memoryUsage.rss()];
        if (s >= limit || rss - rss0 > 2 ** 28) {
          const peak = process.resourceUsage().maxRSS * 1024;
          process.stderr.write(`sql ${s.toFixed(2)} s, memory ${gib(rss)} GiB (peak ${gib(peak)}): ${sql.replace(/\s+/g, " ").slice(0, 200)}\n`);
        }
      }
    };
  }
}

/** Open the warehouse, run `fn`, and close it whatever happens. */
export async function withWarehouse<T>(file: string, opts: OpenOptions, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
  const wh = await Warehouse.open(file, opts);
  try {
    return await fn(wh);
  } finally {
    wh.close();
  }
}

export { ident, lit } from "./quote.ts";

function toPlain(v: unknown): unknown {
  if (typeof v === "bigint") return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  if (Array.isArray(v)) return v.map(toPlain);
  if (v && typeof v === "object" && !(v instanceof Date)) return plain(v as Row);
  return v;
}

function plain(row: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = toPlain(v);
  return out;
}
