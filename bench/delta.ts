/**
 * One more day of exports for the incremental-refresh scenario of the benchmark: from the benchmark's tickets file,
 * the day after its last update, a helpdesk export in the same format holding
 *   - that day's new tickets (the last day's tickets again, one day later, under new ids), and
 *   - a new version of every ticket that was still open (Open, Pending, On-hold): solved that day by its assignee.
 * DuckDB alone writes it, in memory; the same input gives the same file.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { lit } from "../core/db/warehouse.ts";

export interface Delta {
  file: string;
  day: string;
  newTickets: number;
  updatedTickets: number;
}

const TS = "'%Y-%m-%d %H:%M:%S'";
const shift = (col: string) => `strftime(try_strptime("${col}", ${TS}) + to_days(k), ${TS}) AS "${col}"`;

export async function writeDelta(tickets: string, out: string): Promise<Delta> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    await c.run(`CREATE TABLE t AS SELECT * FROM read_csv(${lit(tickets)}, all_varchar = true, header = true)`);
    const day = (await c.runAndReadAll(`SELECT (max(strptime("Last Updated", ${TS}))::DATE + 1)::VARCHAR FROM t`)).getRowsJS()[0]![0] as string;
    await c.run(`CREATE TABLE fresh AS
      WITH last AS (SELECT max(strptime("Created", ${TS})::DATE) AS d FROM t)
      SELECT * REPLACE (
        "Ticket ID" || '-D' AS "Ticket ID",
        ${["Created", "First Response", "Resolved", "Closed", "Last Updated", "SLA Due"].map(shift).join(",\n        ")},
        replace("Subject", "Ticket ID", "Ticket ID" || '-D') AS "Subject")
      FROM (SELECT t.*, (DATE ${lit(day)} - last.d)::INT AS k FROM t, last WHERE strptime("Created", ${TS})::DATE = last.d)`);
    await c.run(`CREATE TABLE solved AS
      SELECT * REPLACE (
        'Solved' AS "Status",
        coalesce("First Response", strftime(solved_at - INTERVAL 1 HOUR, ${TS})) AS "First Response",
        coalesce("First Responder", "Assignee") AS "First Responder",
        strftime(solved_at, ${TS}) AS "Resolved",
        "Assignee" AS "Resolved By",
        strftime(solved_at + INTERVAL 1 MINUTE, ${TS}) AS "Last Updated")
      FROM (SELECT t.*, TIMESTAMP '${day} 09:00:00' + to_minutes((hash("Ticket ID") % 480)::BIGINT) AS solved_at
            FROM t WHERE "Status" IN ('Open', 'Pending', 'On-hold'))`);
    const counts = (await c.runAndReadAll("SELECT (SELECT count(*) FROM fresh), (SELECT count(*) FROM solved)")).getRowsJS()[0]!;
    await c.run(`COPY (
      SELECT * EXCLUDE (k) FROM fresh
      UNION ALL BY NAME
      SELECT * EXCLUDE (solved_at) FROM solved
      ORDER BY "Last Updated", "Ticket ID") TO ${lit(out)} (HEADER, DELIMITER ',')`);
    return { file: out, day, newTickets: Number(counts[0]), updatedTickets: Number(counts[1]) };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}
