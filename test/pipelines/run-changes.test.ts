/**
 * What a run says it rebuilt and why (pipelines/run-changes.ts): the golden department scored once, then a day's
 * ticket export (a new ticket, and a late correction that moves an old ticket from January into February) and an
 * accepted appeal's correction on a January ticket; each run records the periods those touched, and `status` says it.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestSources } from "../../data-loaders/ingest/ingest.ts";
import { Warehouse } from "../../core/db/warehouse.ts";
import { decideAppeal, fileAppeal } from "../../pipelines/rules/appeals.ts";
import { publish, type RulesContext } from "../../pipelines/rules/lifecycle.ts";
import { recordExclusion } from "../../pipelines/rules/records.ts";
import { describeChanges, type InputChanges } from "../../pipelines/run-changes.ts";
import { runModels } from "../../pipelines/run.ts";
import { loadSchemes } from "../../pipelines/scheme/load.ts";
import { formatStatus, readStatus } from "../../pipelines/status.ts";
import { csv, tempDir, testConfig, TZ, writeFile } from "../helpers/warehouse.ts";

const FIXTURE = path.join(import.meta.dirname, "..", "fixtures", "golden");
const schemes = loadSchemes(path.join(FIXTURE, "scheme"));
const at = (iso: string): RulesContext => ({ wh, timezone: TZ, asOf: new Date(iso), actor: "hr.lin" });

let wh: Warehouse;
let dir: string;
let cleanup: () => void;
const sources = [
  { name: "roster", path: path.join(FIXTURE, "roster.csv"), mapping: "canonical/agents" },
  { name: "tickets", path: path.join(FIXTURE, "tickets.csv"), mapping: "canonical/tickets" },
  { name: "csat", path: path.join(FIXTURE, "csat.csv"), mapping: "canonical/csat" },
];

const TICKET_HEAD = ["ticket_id", "created_at", "first_response_at", "resolved_at", "updated_at", "status", "priority", "assignee_id"];
const exports: string[] = [];
/** Write a day's ticket export; the config then reads every export written so far, each as its own source
 *  (tickets-daily, tickets-daily-2, ...). */
function dailyExport(file: string, rows: string[][]) {
  exports.push(writeFile(dir, file, csv(TICKET_HEAD, rows)));
  return testConfig(dir, [...sources, ...exports.map((p, i) => ({ name: i ? `tickets-daily-${i + 1}` : "tickets-daily", path: p, mapping: "canonical/tickets" }))]);
}

const lastChanges = async () =>
  JSON.parse((await wh.value<string>("SELECT (detail->'changes')::VARCHAR FROM meta.runs WHERE kind = 'run' AND outcome = 'ok' ORDER BY run_id DESC LIMIT 1"))!) as InputChanges;

beforeAll(async () => {
  const t = tempDir();
  dir = t.dir;
  cleanup = t.cleanup;
  wh = await Warehouse.open(testConfig(dir, sources).warehouse, { timezone: TZ });
  await ingestSources(wh, testConfig(dir, sources));
  await runModels(wh, schemes);
});
afterAll(() => {
  wh?.close();
  cleanup?.();
});

describe("what a run rebuilt and why", () => {
  it("the first run: every period", async () => {
    const c = await lastChanges();
    expect([c.since_run, c.everything]).toEqual([null, "the first run"]);
  });

  it("a day's tickets touch the months of every version of them, with their quarters and years", async () => {
    const first = await wh.value<number>("SELECT max(run_id) FROM meta.runs WHERE kind = 'run'");
    const cfg = dailyExport("tickets-2026-02-21.csv", [
      ["G-9001", "2026-02-20 09:00:00", "2026-02-20 09:10:00", "2026-02-20 11:00:00", "2026-02-20 11:01:00", "resolved", "normal", "A01"],
      // a late correction: January's G-0002 was in fact resolved in February
      ["G-0002", "2026-01-10 10:00:00", "2026-01-10 10:10:00", "2026-02-02 12:00:00", "2026-02-21 08:00:00", "closed", "normal", "A01"],
    ]);
    const r = await ingestSources(wh, cfg);
    expect(r.errors).toEqual([]);
    await runModels(wh, schemes);
    const c = await lastChanges();
    expect(c.since_run).toBe(first);
    expect(c.everything).toBeNull();
    expect(c.sources).toEqual([{ source: "tickets-daily", table: "tickets", batches: 1, rows: 2, periods: ["2026-01", "2026-02", "2026-Q1", "2026"] }]);
    expect(c.periods).toEqual(["2026-01", "2026-02", "2026-Q1", "2026"]);
    expect(c.tracker_from).toBe("2026-Q1");
    const status = formatStatus(await readStatus(wh));
    expect(status).toContain("1 new batch(es) of tickets-daily (2 rows) touch 2026-01, 2026-02, 2026-Q1, 2026");
  });

  it("an accepted appeal's correction touches its ticket's periods", async () => {
    await publish(at("2026-02-02T02:00:00Z"), "golden", "2026-01", "provisional");
    const appeal = await fileAppeal(at("2026-02-03T03:00:00Z"), { period: "2026-01", agent: "A08", indicator: "resolved", reason: "not mine", evidence: "G-0055" }, "golden");
    await decideAppeal(at("2026-02-05T03:00:00Z"), {
      appeal: appeal.appeal_id,
      accept: true,
      reason: "the assignment log shows G-0055 belonged to A06",
      correction: { kind: "reattribute_ticket", ticket: "G-0055", to_agent: "A06" },
    });
    await runModels(wh, schemes);
    const c = await lastChanges();
    expect(c.everything).toBeNull();
    expect(c.sources).toEqual([]);
    expect(c.corrections).toEqual([{ correction_id: 1, kind: "reattribute_ticket", ticket_id: "G-0055", periods: ["2026-01", "2026-Q1", "2026"] }]);
    expect(describeChanges(c)).toContain("appeal correction #1 (reattribute_ticket, G-0055) touches 2026-01, 2026-Q1, 2026");
  });

  it("a run with nothing new says so", async () => {
    await runModels(wh, schemes);
    const again = await lastChanges();
    expect([again.periods, again.everything]).toEqual([[], null]);
    expect(describeChanges(again)).toMatch(/no input changed since run #\d+/);
  });

  it("an act the models read besides batches (a tracker exclusion) touches every period", async () => {
    await recordExclusion(at("2026-02-06T03:00:00Z"), { agent: "A03", from: "2026-01-05", to: "2026-01-20", reason: "parental leave" });
    await runModels(wh, schemes);
    expect((await lastChanges()).everything).toBe("committee decisions or tracker exclusions changed");
  });

  it("a scheme whose text changed touches every period", async () => {
    const inputs = JSON.parse((await wh.value<string>("SELECT (detail->'inputs')::VARCHAR FROM meta.runs WHERE kind = 'run' AND outcome = 'ok' ORDER BY run_id DESC LIMIT 1"))!);
    expect(Object.keys(inputs.schemes)).toEqual(["golden"]);
    const edited = schemes.map((s) => ({ ...s, hashes: Object.fromEntries(Object.keys(s.hashes).map((v) => [v, "0".repeat(64)])) }));
    await runModels(wh, edited);
    expect((await lastChanges()).everything).toBe("scheme golden changed");
  });

  it("a refresh checks the keys in force of the rows loaded since the last run: a second copy in force stops it", async () => {
    await runModels(wh, schemes);
    const cfg = dailyExport("tickets-2026-02-22.csv", [
      ["G-0003", "2026-01-10 11:00:00", "2026-01-10 11:10:00", "2026-01-10 14:00:00", "2026-02-22 08:00:00", "resolved", "normal", "A01"],
    ]);
    expect((await ingestSources(wh, cfg)).errors).toEqual([]);
    // as if the loader had left the old version in force too
    await wh.run("UPDATE raw.tickets SET _current = true WHERE ticket_id = 'G-0003' AND resolved_at = '2026-01-10 13:00:00+08'");
    const last = await wh.value<number>("SELECT max(run_id) FROM meta.runs WHERE kind = 'run' AND outcome = 'ok'");
    await expect(runModels(wh, schemes)).rejects.toThrow(/unique_current_keys: 1 row, e.g. \{"tbl":"raw.tickets","key":"G-0003","copies":2\}/);
    expect(await wh.value("SELECT max(run_id) FROM meta.runs WHERE kind = 'run' AND outcome = 'ok'")).toBe(last);
    await wh.run("UPDATE raw.tickets SET _current = false WHERE ticket_id = 'G-0003' AND resolved_at = '2026-01-10 13:00:00+08'");
    await runModels(wh, schemes);
    const c = await lastChanges();
    expect([c.everything, c.periods]).toEqual([null, ["2026-01", "2026-Q1", "2026"]]);
  });

  it("a first response after the resolution touches the month it came in", async () => {
    const cfg = dailyExport("tickets-2026-03-02.csv", [
      ["G-9003", "2026-02-25 09:00:00", "2026-03-02 09:00:00", "2026-02-26 10:00:00", "2026-03-02 09:01:00", "resolved", "normal", "A01"],
    ]);
    expect((await ingestSources(wh, cfg)).errors).toEqual([]);
    await runModels(wh, schemes);
    expect((await lastChanges()).periods).toEqual(["2026-02", "2026-03", "2026-Q1", "2026"]);
  });
});
