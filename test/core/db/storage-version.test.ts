/**
 * The warehouse's storage format: a file the warehouse creates is written in STORAGE_VERSION (DuckDB's 1.4 format, whose
 * DICT_FSST compression writes text faster); a file created before, in DuckDB's default 1.0 format, opens, takes new
 * tables and keeps its format. `appraisal status` names the format.
 */
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, expect, it } from "vitest";
import { STORAGE_VERSION, Warehouse } from "../../../core/db/warehouse.ts";
import { formatStatus, readStatus } from "../../../pipelines/status.ts";
import { TZ, tempDir } from "../../helpers/warehouse.ts";

const { dir, cleanup } = tempDir("storage-version-");
afterAll(cleanup);

/** The compression DuckDB chose for a table's text columns, after a checkpoint. */
async function textCompression(wh: Warehouse, table: string): Promise<string[]> {
  await wh.run("CHECKPOINT");
  const rows = await wh.all<{ c: string }>(
    `SELECT DISTINCT compression AS c FROM pragma_storage_info('${table}') WHERE segment_type = 'VARCHAR' AND compression <> 'Uncompressed' ORDER BY 1`,
  );
  return rows.map((r) => r.c);
}

const ROWS = "SELECT 'agent-' || (range % 2000) AS agent_id, ['month', 'quarter', 'year'][range % 3 + 1] AS period_type FROM range(300000)";

it("creates a new warehouse in the 1.4 format, which compresses text with DICT_FSST", async () => {
  const file = path.join(dir, "new.duckdb");
  const wh = await Warehouse.open(file, { timezone: TZ });
  try {
    expect(STORAGE_VERSION).toBe("v1.4.0");
    expect(await wh.storageVersion()).toBe("v1.4.0+");
    await wh.run(`CREATE TABLE cells AS ${ROWS}`);
    expect(await textCompression(wh, "cells")).toEqual(["DICT_FSST"]);
    expect(formatStatus(await readStatus(wh))).toMatch(/schema version \d+, storage v1\.4\.0\+, periods in Asia\/Shanghai/);
  } finally {
    wh.close();
  }
  // opened again, it is the same file in the same format
  const again = await Warehouse.open(file, { timezone: TZ });
  try {
    expect(await again.storageVersion()).toBe("v1.4.0+");
  } finally {
    again.close();
  }
});

it("opens a warehouse created in the older format as it is: it keeps its format and its rows", async () => {
  const file = path.join(dir, "old.duckdb");
  const db = await DuckDBInstance.create(file);
  const c = await db.connect();
  await c.run(`CREATE TABLE kept AS ${ROWS}`);
  c.closeSync();
  db.closeSync();

  const wh = await Warehouse.open(file, { timezone: TZ });
  try {
    expect(await wh.storageVersion()).toBe("v1.0.0+");
    expect(Number(await wh.value("SELECT count(*) FROM kept"))).toBe(300000);
    await wh.run(`CREATE TABLE added AS ${ROWS}`);
    expect(await textCompression(wh, "added")).not.toContain("DICT_FSST");
    expect(formatStatus(await readStatus(wh))).toMatch(/storage v1\.0\.0\+/);
  } finally {
    wh.close();
  }
});
