/**
 * The baseline: DuckDB alone, in memory, reading the same tickets file with its CSV auto-detection and
 * aggregating per agent and month (count, median resolution time, reopen, SLA-breach and complaint rates),
 * as in ../shared/PERFORMANCE.md. Run as a child process so that its peak memory is its own.
 */
import { writeFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";

const [file, report] = process.argv.slice(2);
if (!file || !report) throw new Error("usage: baseline.ts <tickets.csv> <report.json>");
const t0 = performance.now();
const db = await DuckDBInstance.create(":memory:");
const c = await db.connect();
const r = await c.runAndReadAll(`
  SELECT "Assignee" AS agent, date_trunc('month', "Created") AS month, count(*) AS tickets,
    median(epoch("Resolved" - "Created")) / 3600 AS median_hours,
    avg(("Reopens" > 0)::INT) AS reopen_rate,
    avg(("SLA Breached" = 'Yes')::INT) AS sla_breach_rate,
    avg(("Complaint" = 'Yes')::INT) AS complaint_rate
  FROM read_csv('${file.replaceAll("'", "''")}')
  GROUP BY ALL`);
const groups = r.currentRowCount;
const seconds = (performance.now() - t0) / 1000;
writeFileSync(report, JSON.stringify({ seconds, groups, maxRssKiB: process.resourceUsage().maxRSS }));
