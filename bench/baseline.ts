/**
 * The baseline: DuckDB alone, in memory, reading the same tickets file with its CSV auto-detection and
 * aggregating per agent and month (count, median resolution time, reopen, SLA-breach and complaint rates),
 * as in ../shared/PERFORMANCE.md. Run as a child process so that its peak memory is its own.
 * With `load <db file>`: a second reference for ingest, DuckDB alone loading the same file into a table of a database
 * file (CREATE TABLE AS with auto-detection, then CHECKPOINT), in the warehouse's storage format: what writing the rows
 * costs without any check.
 */
import { writeFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import { STORAGE_VERSION } from "../core/db/warehouse.ts";

const [file, report, mode = "aggregate", dbFile] = process.argv.slice(2);
if (!file || !report || (mode === "load" && !dbFile)) throw new Error("usage: baseline.ts <tickets.csv> <report.json> [load <db file>]");
const csv = file.replaceAll("'", "''");
const t0 = performance.now();
if (mode === "load") {
  // in the warehouse's storage format, so that the two loads write the same kind of file
  const db = await DuckDBInstance.create(dbFile!, { memory_limit: "3GB", storage_compatibility_version: STORAGE_VERSION });
  const c = await db.connect();
  await c.run(`CREATE OR REPLACE TABLE tickets AS SELECT * FROM read_csv('${csv}')`);
  await c.run("CHECKPOINT");
  c.closeSync();
  const seconds = (performance.now() - t0) / 1000;
  writeFileSync(report, JSON.stringify({ seconds, maxRssKiB: process.resourceUsage().maxRSS }));
  process.exit(0);
}
const db = await DuckDBInstance.create(":memory:");
const c = await db.connect();
const r = await c.runAndReadAll(`
  SELECT "Assignee" AS agent, date_trunc('month', "Created") AS month, count(*) AS tickets,
    median(epoch("Resolved" - "Created")) / 3600 AS median_hours,
    avg(("Reopens" > 0)::INT) AS reopen_rate,
    avg(("SLA Breached" = 'Yes')::INT) AS sla_breach_rate,
    avg(("Complaint" = 'Yes')::INT) AS complaint_rate
  FROM read_csv('${csv}')
  GROUP BY ALL`);
const groups = r.currentRowCount;
const seconds = (performance.now() - t0) / 1000;
writeFileSync(report, JSON.stringify({ seconds, groups, maxRssKiB: process.resourceUsage().maxRSS }));
