/**
 * The schedule: one job at a time, overlapping runs skipped with the reason logged and recorded, a manual run in
 * another process waiting for a scheduled one, a failing job not stopping the schedule, publish after a good
 * run, the month-end reminder, and the next runs for `appraisal status`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppConfig } from "../../../core/config/app.ts";
import { Warehouse } from "../../../core/db/warehouse.ts";
import { nextRuns, Scheduler } from "../../../pipelines/schedule/scheduler.ts";
import { runCli, sleep } from "../../helpers/cli.ts";
import { type FakeHelpdesk, startFakeHelpdesk } from "../../helpers/fake-helpdesk.ts";
import { apiConfig, SECRET, TOKEN_ENV } from "../../helpers/sources.ts";
import { tempDir, TZ } from "../../helpers/warehouse.ts";

const FIXTURE = path.resolve(import.meta.dirname, "..", "..", "fixtures", "golden");
let dir: string;
let cleanup: () => void;
let fake: FakeHelpdesk | null = null;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  process.env[TOKEN_ENV] = SECRET;
});
afterEach(async () => {
  await fake?.close();
  fake = null;
  cleanup();
});

async function query<T>(file: string, sql: string): Promise<T[]> {
  const wh = await Warehouse.open(file, { timezone: TZ, readOnly: true });
  try {
    return await wh.all<T>(sql);
  } finally {
    wh.close();
  }
}

const ingestJob = { name: "hourly-ingest", cron: "0 * * * *", task: "ingest" as const };

describe("scheduler", () => {
  it("runs one job at a time: overlapping runs are skipped with a logged reason, and nothing is written twice", async () => {
    fake = await startFakeHelpdesk({ tickets: 60, ratings: 10, issues: 10, pageSize: 10, delayMs: 30 });
    const cfg = { ...apiConfig(dir, fake.url), schedule: { publish_after_run: true, jobs: [ingestJob] } };
    const logA: string[] = [];
    const logB: string[] = [];
    // two schedulers on one warehouse (as two processes would be), and one of them firing twice
    const a = new Scheduler(cfg, { log: (l) => logA.push(l) });
    const b = new Scheduler(cfg, { log: (l) => logB.push(l) });
    const outcomes = await Promise.all([a.fire(ingestJob), b.fire(ingestJob), a.fire(ingestJob)]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const skips = [...logA, ...logB].filter((l) => l.includes("skipped"));
    expect(skips).toHaveLength(2);
    expect(skips.join("\n")).toMatch(/hourly-ingest skipped: 'hourly-ingest' has been running since/);
    expect(skips.join("\n")).toMatch(/hourly-ingest skipped: the warehouse is busy: 'schedule: hourly-ingest' \(pid \d+/);

    // the next runs find nothing new, and record the skipped runs now that the warehouse is free
    await a.fire(ingestJob);
    await b.fire(ingestJob);
    const file = path.join(dir, "wh.duckdb");
    expect(await query(file, "SELECT count(*) AS n, count(DISTINCT ticket_id) AS ids FROM raw.tickets")).toEqual([{ n: 70, ids: 70 }]);
    // pages read again (the ratings look-back, the Jira overlap) were recognised as unchanged: no row was written twice
    expect(
      await query(file, "SELECT sum(rows_inserted)::INT AS inserted, sum(rows_replaced)::INT AS replaced FROM meta.batches WHERE target_table IN ('tickets', 'csat')"),
    ).toEqual([{ inserted: 80, replaced: 0 }]);
    expect(await query(file, "SELECT count(*) AS n FROM raw.csat")).toEqual([{ n: 10 }]);
    const runs = await query<{ outcome: string; trigger: string; job: string; error: string | null }>(
      file,
      "SELECT outcome, trigger, job, error FROM meta.runs WHERE kind = 'ingest' ORDER BY run_id",
    );
    expect(runs.map((r) => r.outcome).sort()).toEqual(["ok", "ok", "ok", "skipped", "skipped"]);
    expect(runs.every((r) => r.trigger === "schedule" && r.job === "hourly-ingest")).toBe(true);
    expect(runs.filter((r) => r.outcome === "skipped").every((r) => r.error && /running since|busy/.test(r.error))).toBe(true);
  });

  it("makes a manual run started meanwhile wait for the scheduled one", { timeout: 60_000 }, async () => {
    // the scheduled job holds the lock, its fetch held at the fake helpdesk until the manual run says it waits
    // (on a busy machine the manual run's start-up alone can outlast an ungated job)
    let open = () => {};
    const gate = new Promise<void>((r) => (open = r));
    fake = await startFakeHelpdesk({ tickets: 80, ratings: 0, issues: 0, pageSize: 10, gate });
    const cfg = apiConfig(dir, fake.url, {}, { timeout_seconds: 120 }); // a held request must not time out
    const configFile = path.join(dir, "appraisal.config.yaml");
    writeFileSync(
      configFile,
      YAML.stringify({
        warehouse: "wh.duckdb",
        timezone: TZ,
        sources: [{ name: "roster", path: "roster.csv", mapping: "canonical/agents" }],
        api_sources: cfg.api_sources.map((s) => ({ ...s, url: fake!.url })),
        schedule: { jobs: [ingestJob] },
      }),
    );
    const scheduled = new Scheduler({ ...cfg, schedule: { publish_after_run: true, jobs: [ingestJob] } }, { log: () => {} });
    const job = scheduled.fire(ingestJob);
    await sleep(300);
    const manual = runCli(["--config", configFile, "--wait", "60", "ingest"], { [TOKEN_ENV]: SECRET });
    for (let t = 0; t < 600 && !/waiting for/.test(manual.output()); t++) await sleep(100);
    open();
    const [outcome, exit] = await Promise.all([job, manual.exited]);
    expect(outcome?.ok).toBe(true);
    expect(exit.code, manual.output()).toBe(0);
    expect(manual.output()).toMatch(/waiting for 'schedule: hourly-ingest' \(pid \d+/);
    const file = path.join(dir, "wh.duckdb");
    expect(await query(file, "SELECT count(*) AS n, count(DISTINCT ticket_id) AS ids FROM raw.tickets")).toEqual([{ n: 80, ids: 80 }]);
    const runs = await query<{ trigger: string; outcome: string; rows: number }>(file, "SELECT trigger, outcome, rows FROM meta.runs WHERE kind = 'ingest' ORDER BY run_id");
    expect(runs).toEqual([
      { trigger: "schedule", outcome: "ok", rows: expect.any(Number) },
      { trigger: "manual", outcome: "ok", rows: 0 },
    ]);
  });

  it("goes on after a failed job (node-cron firing every second)", { timeout: 60_000 }, async () => {
    const cfg = {
      ...AppConfig.parse({
        timezone: TZ,
        warehouse: path.join(dir, "wh.duckdb"),
        schemes_dir: "no-such-schemes",
        schedule: { jobs: [{ name: "eager", cron: "* * * * * *", task: "run" }] },
      }),
      baseDir: dir,
      file: null,
    };
    const log: string[] = [];
    const s = new Scheduler(cfg, { log: (l) => log.push(l) });
    s.start();
    // the schemes folder is missing: every firing fails, is logged and recorded, and the next one still fires (on a
    // busy machine a firing can take longer than its second: wait for two failures, up to 20 s)
    const failures = () => log.filter((l) => /eager failed: the schemes folder .* does not exist/.test(l));
    for (let t = 0; t < 200 && failures().length < 2; t++) await sleep(100);
    await s.stop();
    const failed = failures();
    expect(failed.length, log.join("\n")).toBeGreaterThanOrEqual(2);
    expect(log[0]).toMatch(/eager \(run, '\* \* \* \* \* \*'\) next at/);
    const runs = await query<{ outcome: string; job: string }>(path.join(dir, "wh.duckdb"), "SELECT outcome, job FROM meta.runs");
    // each failure recorded; a firing that came while one was still running is recorded as skipped
    expect(runs.filter((r) => r.outcome === "failed").length).toBe(failed.length);
    expect(runs.every((r) => ["failed", "skipped"].includes(r.outcome) && r.job === "eager")).toBe(true);
  });

  it("publishes after a good run, reminds once per completed period, and lists the next runs", { timeout: 60_000 }, async () => {
    const build = `node -e "const fs=require('fs');fs.mkdirSync('dist',{recursive:true});fs.writeFileSync('dist/index.html','boards')"`;
    const cfg = {
      ...AppConfig.parse({
        timezone: TZ,
        warehouse: path.join(dir, "wh.duckdb"),
        schemes_dir: path.join(FIXTURE, "scheme"),
        primary_scheme: "golden",
        sources: [
          { name: "roster", path: path.join(FIXTURE, "roster.csv"), mapping: "canonical/agents" },
          { name: "tickets", path: path.join(FIXTURE, "tickets.csv"), mapping: "canonical/tickets" },
          { name: "csat", path: path.join(FIXTURE, "csat.csv"), mapping: "canonical/csat" },
        ],
        schedule: {
          jobs: [
            { name: "nightly", cron: "30 2 * * *", task: "pipeline" },
            { name: "month-end", cron: "0 9 1 * *", task: "remind" },
          ],
        },
        publish: { command: build, output: "dist", target: "srv/boards" },
      }),
      baseDir: dir,
      file: null,
    };
    const log: string[] = [];
    const s = new Scheduler(cfg, { log: (l) => log.push(l) });
    const out = await s.fire(cfg.schedule!.jobs[0]!);
    expect(out?.ok, log.join("\n")).toBe(true);
    expect(readFileSync(path.join(dir, "srv/boards/index.html"), "utf8")).toBe("boards");
    await s.fire(cfg.schedule!.jobs[1]!);
    await s.fire(cfg.schedule!.jobs[1]!);
    expect(log.filter((l) => l.includes("ready to publish"))).toHaveLength(1);
    expect(log).toContain("no newly completed period to publish");
    const kinds = await query<{ kind: string; outcome: string }>(path.join(dir, "wh.duckdb"), "SELECT kind, outcome FROM meta.runs ORDER BY run_id");
    expect(kinds.map((k) => `${k.kind}:${k.outcome}`)).toEqual(["ingest:ok", "run:ok", "publish:ok", "remind:ok", "remind:ok"]);
    const next = nextRuns(cfg, 1);
    expect(next.map((n) => n.job)).toEqual(["nightly", "month-end"]);
    // 02:30 in Asia/Shanghai is 18:30 UTC; the 1st of a month at 09:00 is 01:00 UTC
    expect(next[0]!.next!.toISOString()).toMatch(/T18:30:00\.000Z$/);
    expect(next[1]!.next!.toISOString()).toMatch(/-01T01:00:00\.000Z$/);
    expect(existsSync(path.join(dir, "wh.duckdb.lock"))).toBe(false);
  });
});
