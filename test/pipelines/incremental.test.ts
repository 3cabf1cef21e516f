/**
 * An incremental refresh leaves every table exactly as a full rebuild over the same inputs would
 * (pipelines/incremental.ts). The demo department (40 agents, 18 months, every source) is scored once in full; then
 * each delta is ingested and run, the run must say it rebuilt only some periods, and a full rebuild into another
 * schema must hold the same rows, value for value, in every table model:
 *   1. one more day of exports: the day's new tickets and a new version of every ticket still open (bench/delta.ts);
 *   2. a late correction to an old period: a December 2025 ticket re-exported as resolved in February 2026;
 *   3. an appeal's correction: a March 2026 ticket reattributed to another agent after a provisional publication;
 *   4. nothing new: no period rebuilt, every row kept.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeDelta } from "../../bench/delta.ts";
import { DEMO_SOURCES } from "../../core/config/app.ts";
import { lit, Warehouse } from "../../core/db/warehouse.ts";
import { ingestSources } from "../../data-loaders/ingest/ingest.ts";
import { generateDemo } from "../../pipelines/demo/generate.ts";
import { verifyPeriod } from "../../pipelines/proof/verify.ts";
import { decideAppeal, fileAppeal } from "../../pipelines/rules/appeals.ts";
import { publish, type RulesContext } from "../../pipelines/rules/lifecycle.ts";
import { runModels } from "../../pipelines/run.ts";
import { describeChanges, type InputChanges, type Rebuilt } from "../../pipelines/run-changes.ts";
import { loadSchemes } from "../../pipelines/scheme/load.ts";
import { differencesFromFullRebuild } from "../helpers/full-rebuild.ts";
import { TZ, tempDir, testConfig } from "../helpers/warehouse.ts";

const SCHEMES = path.join(import.meta.dirname, "..", "..", "schemes");
const schemes = loadSchemes(SCHEMES);
let dir: string;
let helpdesk: string;
let cleanup: () => void;
let wh: Warehouse;
let cfg: ReturnType<typeof testConfig>;
const at = (iso: string): RulesContext => ({ wh, timezone: TZ, asOf: new Date(iso), actor: "hr.lin" });
/** SQL: another agent of the department of the agent in `col` (the first by id), to reattribute a record to */
const colleagueOf = (col: string) =>
  `(SELECT min(a.agent_id) FROM stg.agents a JOIN stg.agents b ON b.agent_id = ${col} WHERE a.agent_id <> ${col} AND a.department = b.department)`;
/** An appeal filed on one day and accepted the next with a correction */
async function acceptedAppeal(day: string, appeal: Parameters<typeof fileAppeal>[1], reason: string, correction: Parameters<typeof decideAppeal>[1]["correction"]) {
  const filed = await fileAppeal(at(`${day}T03:00:00Z`), appeal, "support-weighted");
  const next = new Date(Date.parse(`${day}T03:00:00Z`) + 86_400_000);
  await decideAppeal(at(next.toISOString()), { appeal: filed.appeal_id, accept: true, reason, correction });
}

/** One ticket's row of a helpdesk export, with `replace` (SQL: `'value' AS "Column", ...`), written as a new export `out` */
const reexport = (ticketId: string, from: string, replace: string, out: string) =>
  wh.run(`COPY (SELECT * REPLACE (${replace}) FROM read_csv(${lit(from)}, all_varchar = true, header = true) WHERE "Ticket ID" = ${lit(ticketId)})
    TO ${lit(path.join(helpdesk, out))} (HEADER, DELIMITER ',')`);

const lastRun = async () => {
  const r = await wh.one<{ rebuilt: string; changes: string }>(
    "SELECT (detail->'rebuilt')::VARCHAR AS rebuilt, (detail->'changes')::VARCHAR AS changes FROM meta.runs WHERE kind = 'run' AND outcome = 'ok' ORDER BY run_id DESC LIMIT 1",
  );
  return { rebuilt: JSON.parse(r!.rebuilt) as Rebuilt, changes: JSON.parse(r!.changes) as InputChanges };
};

/** Every table model of the published build against a full rebuild: the rows that differ. */
const differences = () => differencesFromFullRebuild(wh, schemes);

async function ingestAndRun(): Promise<void> {
  const r = await ingestSources(wh, cfg);
  expect(r.errors).toEqual([]);
  await runModels(wh, schemes);
}

beforeAll(async () => {
  const t = tempDir();
  dir = t.dir;
  cleanup = t.cleanup;
  await generateDemo({ out: path.join(dir, "demo"), seed: 7, agents: 40, tickets: 24_000, months: 18, endMonth: "2026-10" });
  helpdesk = path.join(dir, "demo", "helpdesk");
  cfg = testConfig(dir, DEMO_SOURCES.map((s) => ({ ...s, path: s.path.replace("demo-data/", "demo/") })));
  wh = await Warehouse.open(cfg.warehouse, { timezone: TZ });
  await ingestAndRun();
}, 300_000);
afterAll(() => {
  wh?.close();
  cleanup?.();
});

describe("an incremental refresh equals a full rebuild", () => {
  it("the first run is a full build", async () => {
    expect((await lastRun()).rebuilt).toEqual({ mode: "full", why: "the first run" });
  });

  it("one more day of exports: the day's new tickets and the open tickets solved", async () => {
    const last = readdirSync(helpdesk).filter((f) => /^tickets-\d{4}-\d{2}\.csv$/.test(f)).sort().at(-1)!;
    const delta = await writeDelta(path.join(helpdesk, last), path.join(helpdesk, "tickets-2026-11-01.csv"));
    expect(delta.newTickets).toBeGreaterThan(10);
    await ingestAndRun();
    const { rebuilt } = await lastRun();
    expect(rebuilt.mode).toBe("periods");
    // the new month, its quarter and year, and the month the solved tickets were opened in; no 2025 period
    expect(rebuilt.periods).toEqual(expect.arrayContaining(["2026-10", "2026-11", "2026-Q4", "2026"]));
    expect(rebuilt.periods!.filter((p) => p.startsWith("2025"))).toEqual([]);
    expect(await differences()).toEqual({});
  }, 300_000);

  it("a late correction to an old period: a December 2025 ticket was in fact resolved in February 2026", async () => {
    const source = path.join(helpdesk, "tickets-2025-12.csv");
    const out = path.join(helpdesk, "tickets-2026-11-02.csv");
    await wh.run(`COPY (
      SELECT * REPLACE ('2026-02-03 10:00:00' AS "Resolved", '2026-02-03 10:00:00' AS "Closed", '2026-11-02 08:00:00' AS "Last Updated")
      FROM read_csv(${lit(source)}, all_varchar = true, header = true)
      WHERE "Status" IN ('Resolved', 'Closed') AND "Resolved" LIKE '2025-12-1%'
      ORDER BY "Ticket ID" LIMIT 1) TO ${lit(out)} (HEADER, DELIMITER ',')`);
    await ingestAndRun();
    const { rebuilt, changes } = await lastRun();
    expect(changes.sources.map((s) => s.rows)).toEqual([1]);
    expect(rebuilt.mode).toBe("periods");
    // the months from the old resolution to the new one, and the workload fit's window after them
    expect(rebuilt.periods).toEqual(expect.arrayContaining(["2025-12", "2026-01", "2026-02", "2025-Q4", "2026-Q1", "2025", "2026"]));
    // the workload-mix fit reads 12 months back: the months and quarters after the correction move with it, and join
    expect(rebuilt.grown?.["mart.workload_expectations"]).toEqual(expect.arrayContaining(["2026-03", "2026-Q2"]));
    expect(await differences()).toEqual({});
  }, 300_000);

  it("an appeal's correction: a March 2026 ticket reattributed after a provisional publication", async () => {
    const scheme = "support-weighted";
    await publish(at("2026-11-03T02:00:00Z"), scheme, "2026-03", "provisional");
    // `appraisal verify` rebuilds the period from scratch and agrees with what the incremental run published
    const verified = await verifyPeriod(wh, { scheme, period: "2026-03", at: new Date("2026-11-03T02:30:00Z") });
    expect(verified.differences).toEqual([]);
    expect(verified.ok).toBe(true);
    const t = (await wh.one<{ ticket_id: string; agent_id: string; other: string }>(
      `SELECT t.ticket_id, t.resolver_id AS agent_id,
         ${colleagueOf("t.resolver_id")} AS other
       FROM int.tickets_credited t JOIN meta.published_results r ON r.agent_id = t.resolver_id AND r.period = '2026-03' AND r.scheme_id = ${lit(scheme)}
       WHERE strftime(t.resolved_at, '%Y-%m') = '2026-03' ORDER BY t.ticket_id LIMIT 1`,
    ))!;
    await acceptedAppeal(
      "2026-11-03",
      { period: "2026-03", agent: t.agent_id, indicator: "tickets_resolved", reason: "not mine", evidence: t.ticket_id },
      `the assignment log shows ${t.ticket_id} belonged to ${t.other}`,
      { kind: "reattribute_ticket", ticket: t.ticket_id, to_agent: t.other },
    );
    await runModels(wh, schemes);
    const { rebuilt, changes } = await lastRun();
    expect(changes.corrections.map((c) => c.kind)).toEqual(["reattribute_ticket"]);
    expect(rebuilt.mode).toBe("periods");
    expect(rebuilt.periods).toEqual(expect.arrayContaining(["2026-03", "2026-Q1", "2026"]));
    expect(await differences()).toEqual({});
  }, 300_000);

  it("a ticket solved at a month's end by someone else after all: its survey, answered the next month, follows it", async () => {
    // a survey that names no agent is credited to the ticket's resolver, in the month it was answered
    const t = (await wh.one<{ ticket_id: string; created: string; resolver_id: string; other: string; answered: string }>(
      `SELECT t.ticket_id, strftime(t.created_at, '%Y-%m') AS created, t.resolver_id, strftime(c.submitted_at, '%Y-%m') AS answered,
         ${colleagueOf("t.resolver_id")} AS other
       FROM stg.csat c JOIN int.tickets_credited t USING (ticket_id)
       WHERE c.named_agent_id IS NULL AND strftime(c.submitted_at, '%Y-%m') > strftime(t.resolved_at, '%Y-%m') AND t.resolved_at < '2026-06-01'
       ORDER BY t.ticket_id LIMIT 1`,
    ))!;
    await reexport(t.ticket_id, path.join(helpdesk, `tickets-${t.created}.csv`), `${lit(t.other)} AS "Resolved By", '2026-11-02 09:00:00' AS "Last Updated"`, "tickets-2026-11-02b.csv");
    await ingestAndRun();
    const { rebuilt, changes } = await lastRun();
    expect(changes.sources.map((s) => s.rows)).toEqual([1]);
    expect(rebuilt.mode).toBe("periods");
    expect(rebuilt.periods).toEqual(expect.arrayContaining([t.answered]));
    expect(await differences()).toEqual({});
  }, 300_000);

  it("a late correction to a ticket once exported open: only the months it counted in, then and now", async () => {
    // exported open at a month's end, solved the next month; corrected in November 2026 (another resolver): the open
    // version was superseded long before the last run, so the months after its resolution are not touched
    const t = (await wh.one<{ ticket_id: string; file: string; created: string; resolved: string; other: string }>(
      `SELECT t.ticket_id, b.file, strftime(t.created_at, '%Y-%m') AS created, strftime(t.resolved_at, '%Y-%m') AS resolved,
         ${colleagueOf("t.resolved_by")} AS other
       FROM raw.tickets t JOIN meta.batches b ON b.batch_id = t._batch_id
       WHERE t._current AND strftime(t.created_at, '%Y-%m') = '2025-06' AND strftime(t.resolved_at, '%Y-%m') = '2025-07'
         AND t.resolved_by IS NOT NULL
         AND EXISTS (SELECT 1 FROM raw.tickets o WHERE o.ticket_id = t.ticket_id AND o.resolved_at IS NULL AND NOT o._bad)
       ORDER BY t.ticket_id LIMIT 1`,
    ))!;
    await reexport(t.ticket_id, t.file, `${lit(t.other)} AS "Resolved By", '2026-11-03 09:00:00' AS "Last Updated"`, "tickets-2026-11-03b.csv");
    await ingestAndRun();
    const { rebuilt, changes } = await lastRun();
    expect(changes.sources.map((s) => s.rows)).toEqual([1]);
    expect(rebuilt.mode).toBe("periods");
    const traced = changes.sources[0]!.periods;
    expect(traced).toEqual(expect.arrayContaining([t.created, t.resolved, "2025-Q2", "2025-Q3", "2025"]));
    // no month after its resolution but one where a survey of it that names no agent was answered
    const surveyed = (
      await wh.all<{ m: string }>(
        `SELECT DISTINCT strftime(submitted_at, '%Y-%m') AS m FROM raw.csat WHERE _current AND agent_id IS NULL AND ticket_id = ${lit(t.ticket_id)}
         UNION SELECT DISTINCT strftime(audited_at, '%Y-%m') FROM raw.quality_audits WHERE _current AND agent_id IS NULL AND ticket_id = ${lit(t.ticket_id)}`,
      )
    ).map((r) => r.m);
    expect(traced.filter((p) => /^\d{4}-\d{2}$/.test(p) && p > t.resolved && !surveyed.includes(p))).toEqual([]);
    expect(await differences()).toEqual({});
  }, 300_000);

  it("two corrections of one ticket before a run, and a stale copy of another: the versions in force at the runs count", async () => {
    // v2 (resolved a month later) and v3 (two months later, newer) both arrive before the run: v2 was never in force at
    // a run, v3 is now; a copy of another ticket older than its version in force changes nothing that counts
    const t = (await wh.one<{ ticket_id: string; file: string; resolved: string; stale_id: string; stale_file: string }>(
      `WITH closed AS (
         SELECT t.ticket_id, b.file, t.resolved_at, row_number() OVER (ORDER BY t.ticket_id) AS n
         FROM raw.tickets t JOIN meta.batches b ON b.batch_id = t._batch_id
         WHERE t._current AND strftime(t.created_at, '%Y-%m') = '2025-08' AND strftime(t.resolved_at, '%Y-%m') = '2025-08'
           AND (SELECT count(*) FROM raw.tickets o WHERE o.ticket_id = t.ticket_id) = 1
           AND t.ticket_id NOT IN (SELECT ticket_id FROM raw.csat WHERE agent_id IS NULL AND ticket_id IS NOT NULL)
           AND t.ticket_id NOT IN (SELECT ticket_id FROM raw.quality_audits WHERE agent_id IS NULL AND ticket_id IS NOT NULL))
       SELECT a.ticket_id, a.file, strftime(a.resolved_at, '%Y-%m') AS resolved, s.ticket_id AS stale_id, s.file AS stale_file
       FROM closed a JOIN closed s ON s.n = 2 WHERE a.n = 1`,
    ))!;
    await reexport(t.ticket_id, t.file, `'2025-09-20 10:00:00' AS "Resolved", '2025-09-20 10:00:00' AS "Closed", '2026-11-06 08:00:00' AS "Last Updated"`, "tickets-2026-11-06a.csv");
    await ingestSources(wh, cfg);
    await reexport(t.ticket_id, t.file, `'2025-10-20 10:00:00' AS "Resolved", '2025-10-20 10:00:00' AS "Closed", '2026-11-06 09:00:00' AS "Last Updated"`, "tickets-2026-11-06b.csv");
    await reexport(t.stale_id, t.stale_file, `'2026-01-10 10:00:00' AS "Resolved", '2026-01-10 10:00:00' AS "Closed", '2025-08-01 00:00:00' AS "Last Updated"`, "tickets-2026-11-06c.csv");
    await ingestAndRun();
    const { rebuilt, changes } = await lastRun();
    expect(rebuilt.mode).toBe("periods");
    expect(changes.periods).toEqual(expect.arrayContaining(["2025-08", "2025-09", "2025-10", "2025-Q3", "2025-Q4", "2025"]));
    // the stale copy is not in force: the months it names (to January) are not traced, nor 2026
    expect(changes.periods.filter((p) => ["2025-11", "2025-12", "2026-01", "2026-Q1", "2026"].includes(p))).toEqual([]);
    expect(await differences()).toEqual({});
  }, 300_000);

  it("a newer version of an old ticket is quarantined: the ticket is held out of the months it counted in", async () => {
    // an unreadable priority: the version stays quarantined, newer than the one in force, and holds the ticket out
    // (stg_tickets_held) until a corrected export comes; the months the version in force counted in are rebuilt
    const t = (await wh.one<{ ticket_id: string; created: string; resolved: string }>(
      `SELECT ticket_id, strftime(created_at, '%Y-%m') AS created, strftime(resolved_at, '%Y-%m') AS resolved FROM int.tickets_credited
       WHERE resolved_at IS NOT NULL AND strftime(created_at, '%Y-%m') = '2025-09' AND strftime(resolved_at, '%Y-%m') = '2025-10'
       ORDER BY ticket_id LIMIT 1`,
    ))!;
    await reexport(t.ticket_id, path.join(helpdesk, `tickets-${t.created}.csv`), `'P9-urgent' AS "Priority", '2026-11-04 09:00:00' AS "Last Updated"`, "tickets-2026-11-04.csv");
    const r = await ingestSources(wh, cfg);
    expect(r.errors).toEqual([]);
    expect(Number(await wh.value(`SELECT count(*) FROM stg.tickets_held WHERE ticket_id = ${lit(t.ticket_id)}`))).toBe(1);
    await runModels(wh, schemes);
    expect(Number(await wh.value(`SELECT count(*) FROM int.tickets_credited WHERE ticket_id = ${lit(t.ticket_id)}`))).toBe(0);
    const { rebuilt } = await lastRun();
    expect(rebuilt.mode).toBe("periods");
    expect(rebuilt.periods).toEqual(expect.arrayContaining([t.created, t.resolved, "2025-Q3", "2025-Q4", "2025"]));
    expect(await differences()).toEqual({});

    // the corrected export: a version at least as new releases the ticket (its quarantined copy goes)
    await reexport(t.ticket_id, path.join(helpdesk, `tickets-${t.created}.csv`), `'2026-11-05 09:00:00' AS "Last Updated"`, "tickets-2026-11-05.csv");
    await ingestAndRun();
    expect(Number(await wh.value(`SELECT count(*) FROM int.tickets_credited WHERE ticket_id = ${lit(t.ticket_id)}`))).toBe(1);
    // the batch's change, traced to the ticket's months like any new version: not a quarantine act, not a full rebuild
    const released = await lastRun();
    expect(released.rebuilt.mode).toBe("periods");
    expect(released.rebuilt.periods).toEqual(expect.arrayContaining([t.created, t.resolved, "2025-Q3", "2025-Q4", "2025"]));
    expect(await differences()).toEqual({});
  }, 300_000);

  it("a day's survey responses, audits and trainings: new records, an old rating, audit score and training's hours changed", async () => {
    const survey = path.join(dir, "demo", "survey");
    // the survey tool's NDJSON: three new responses, one changed rating of December 2025 (times in UTC)
    await wh.run(`COPY (
      SELECT * REPLACE ('CS-N' || row_number() OVER (ORDER BY response_id) AS response_id, '2026-11-01T03:00:00Z' AS submitted)
      FROM (SELECT * FROM read_json(${lit(path.join(survey, "csat-2026-10.ndjson"))}, format = 'newline_delimited') ORDER BY response_id LIMIT 3)
      UNION ALL
      SELECT * REPLACE (CASE WHEN rating >= 4 THEN 1 ELSE 5 END AS rating)
      FROM (SELECT * FROM read_json(${lit(path.join(survey, "csat-2025-12.ndjson"))}, format = 'newline_delimited') ORDER BY response_id LIMIT 1)
    ) TO ${lit(path.join(survey, "csat-2026-11-01.ndjson"))} (FORMAT json)`);
    // the QA tool's export: one audit of August 2025 re-scored
    const audits = path.join(dir, "demo", "qa", "quality-audits-2026-11-01.parquet");
    await wh.run(`COPY (
      SELECT * REPLACE (score - 10 AS score)
      FROM read_parquet(${lit(path.join(dir, "demo", "qa", "quality-audits.parquet"))})
      WHERE strftime(audited_at, '%Y-%m') = '2025-08' ORDER BY ALL LIMIT 1) TO ${lit(audits)} (FORMAT parquet)`);
    cfg = { ...cfg, sources: [...cfg.sources, { name: "quality-audits-daily", path: audits, mapping: "demo/quality-audits" }] };
    // the learning system's whole export again: one course completed today, one old record's hours corrected (May 2025)
    const lms = path.join(dir, "demo", "lms", "trainings.json");
    const doc = JSON.parse(readFileSync(lms, "utf8")) as { exported_at: string; records: Array<Record<string, unknown>> };
    const may = doc.records.find((r) => String(r.completed).startsWith("2025-05"))!;
    may.hours = Number(may.hours) + 1;
    doc.records.push({ ...doc.records[0], id: "TR-NEW-1", completed: "2026-11-01" });
    writeFileSync(lms, JSON.stringify({ ...doc, exported_at: "2026-11-01T15:00:00Z" }, null, 1));
    await ingestAndRun();
    const { rebuilt, changes } = await lastRun();
    expect(changes.everything).toBeNull();
    expect(changes.sources.map((s) => [s.source, s.rows])).toEqual([
      ["csat", 4],
      ["quality-audits-daily", 1],
      ["trainings", 2],
    ]);
    expect(rebuilt.mode).toBe("periods");
    expect(rebuilt.periods).toEqual(
      expect.arrayContaining(["2025-05", "2025-08", "2025-12", "2026-11", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q4", "2025", "2026"]),
    );
    expect(await differences()).toEqual({});
  }, 300_000);

  it("an appeal's correction on a survey response: the month it was answered in", async () => {
    const scheme = "support-weighted";
    const r = (await wh.one<{ response_id: string; agent_id: string; other: string }>(
      `SELECT c.response_id, c.agent_id,
         ${colleagueOf("c.agent_id")} AS other
       FROM int.csat_credited c JOIN meta.published_results p ON p.agent_id = c.agent_id AND p.period = '2026-03' AND p.scheme_id = ${lit(scheme)}
       WHERE strftime(c.submitted_at, '%Y-%m') = '2026-03' ORDER BY c.response_id LIMIT 1`,
    ))!;
    await acceptedAppeal(
      "2026-11-05",
      { period: "2026-03", agent: r.agent_id, indicator: "csat", reason: "not my customer", evidence: r.response_id },
      `the survey was about ${r.other}'s answer`,
      { kind: "reattribute_csat", response: r.response_id, to_agent: r.other },
    );
    await runModels(wh, schemes);
    const { rebuilt, changes } = await lastRun();
    expect(changes.corrections.map((c) => [c.kind, c.record_id, c.periods])).toEqual([["reattribute_csat", r.response_id, ["2026-03", "2026-Q1", "2026"]]]);
    expect(rebuilt.mode).toBe("periods");
    expect(await differences()).toEqual({});
  }, 300_000);

  it("an API source's cursor moved on with nothing new: the periods whose coverage it moved", async () => {
    // what a helpdesk API sync that found no new tickets leaves (data-loaders/helpdesk/cursor.ts): the source covers two
    // days more than its last load (which of the periods that moves depends on today's date)
    await wh.run(`INSERT INTO meta.source_cursors VALUES ('tickets', 'tickets', '{"updated_since": 1}'::JSON, 0, current_timestamp + INTERVAL 2 DAY)`);
    await runModels(wh, schemes);
    const { rebuilt, changes } = await lastRun();
    expect([changes.everything, rebuilt.mode]).toEqual([null, "periods"]);
    expect(await wh.value("SELECT max(as_of) = (SELECT cast(updated_at AS DATE) FROM meta.source_cursors) FROM mart.periods")).toBe(true);
    expect(await differences()).toEqual({});
  }, 300_000);

  it("the roster exported again as it was, in another order: no row in force changed, no period rebuilt", async () => {
    // byte for byte the same lines (the export is GB18030), the people in reverse order
    const roster = path.join(dir, "demo", "hr", "roster.csv");
    const [head, ...lines] = readFileSync(roster).toString("latin1").trimEnd().split("\n");
    writeFileSync(roster, Buffer.from(`${[head, ...lines.reverse()].join("\n")}\n`, "latin1"));
    const r = await ingestSources(wh, cfg);
    expect(r.batches.filter((b) => b.status === "loaded").map((b) => [b.source, b.inserted, b.replaced])).toEqual([["roster", 0, 0]]);
    await runModels(wh, schemes);
    const { rebuilt, changes } = await lastRun();
    expect([changes.everything, rebuilt.mode, rebuilt.periods]).toEqual([null, "periods", []]);
    expect(describeChanges(changes, rebuilt)).toMatch(/1 new batch\(es\) of roster changed no row in force/);
    expect(await differences()).toEqual({});
  }, 300_000);

  it("a file read again under a changed mapping: the rows it gave are gone, so every period is rebuilt", async () => {
    // a second helpdesk's export, read as local time; one ticket, opened and solved on the evening of 31 March
    const legacy = path.join(dir, "legacy");
    mkdirSync(legacy, { recursive: true });
    const mapping = path.join(legacy, "legacy-tickets.yaml");
    writeFileSync(mapping, readFileSync(path.join(import.meta.dirname, "..", "..", "data-loaders", "mappings", "demo", "tickets.yaml"), "utf8"));
    await wh.run(`COPY (
      SELECT * REPLACE ('L-1' AS "Ticket ID", '2026-03-31 20:00:00' AS "Created", '2026-03-31 20:30:00' AS "First Response",
        '2026-03-31 21:00:00' AS "Resolved", '2026-03-31 21:00:00' AS "Closed", '2026-03-31 21:00:00' AS "Last Updated")
      FROM read_csv(${lit(path.join(helpdesk, "tickets-2026-03.csv"))}, all_varchar = true, header = true)
      WHERE "Status" IN ('Solved', 'Closed') ORDER BY "Ticket ID" LIMIT 1) TO ${lit(path.join(legacy, "tickets.csv"))} (HEADER, DELIMITER ',')`);
    cfg = { ...cfg, sources: [...cfg.sources, { name: "legacy-helpdesk", path: path.join(legacy, "tickets.csv"), mapping }] };
    await ingestAndRun();
    expect((await lastRun()).rebuilt.periods).toEqual(expect.arrayContaining(["2026-03"]));
    expect(await differences()).toEqual({});

    // the export's times were UTC after all: read again, the ticket moves to 1 April (04:00 in Shanghai)
    writeFileSync(mapping, `timezone: UTC\n${readFileSync(mapping, "utf8")}`);
    await ingestAndRun();
    expect(await wh.value("SELECT strftime(created_at, '%Y-%m-%d') FROM raw.tickets WHERE ticket_id = 'L-1' AND _current")).toBe("2026-04-01");
    const { rebuilt, changes } = await lastRun();
    expect(rebuilt.mode).toBe("full");
    expect(changes.everything).toMatch(/legacy-helpdesk .*read again under a changed mapping/);
    expect(await differences()).toEqual({});

    // read again under the same mapping (--force): its rows stay, so the refresh traces them
    expect((await ingestSources(wh, { ...cfg, sources: cfg.sources.filter((x) => x.name === "legacy-helpdesk") }, undefined, { force: true })).errors).toEqual([]);
    await runModels(wh, schemes);
    const forced = await lastRun();
    expect([forced.changes.everything, forced.rebuilt.mode]).toEqual([null, "periods"]);
    expect(await differences()).toEqual({});
  }, 300_000);

  it("nothing new: no period rebuilt, and status says so", async () => {
    await runModels(wh, schemes);
    const { rebuilt, changes } = await lastRun();
    expect(rebuilt).toMatchObject({ mode: "periods", periods: [] });
    expect(describeChanges(changes, rebuilt)).toMatch(/no period rebuilt/);
    expect(await differences()).toEqual({});
  }, 300_000);

  it("`appraisal run --full` rebuilds every period whatever changed", async () => {
    const r = await runModels(wh, schemes, undefined, undefined, undefined, { full: true });
    expect(r.rebuilt).toEqual({ mode: "full", why: "a full rebuild was asked for (--full)" });
    expect((await lastRun()).rebuilt.mode).toBe("full");
  }, 300_000);
});
