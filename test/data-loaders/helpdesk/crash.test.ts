/**
 * Crash safety: the real `appraisal ingest` (file sources, the drop folder, Zendesk and Jira through a local fake)
 * is killed with SIGKILL at random points, again and again, then run to the end. The warehouse must be
 * consistent after every kill, and its final tables must equal those of a run that was never interrupted.
 * Also: SIGTERM lets the transaction in flight finish, and the next run resumes from its cursor.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contractFor, TABLE_NAMES } from "../../../core/contracts/tables.ts";
import { SCHEMA_VERSION } from "../../../core/db/migrate.ts";
import { Warehouse } from "../../../core/db/warehouse.ts";
import { runCli, seeded, sleep } from "../../helpers/cli.ts";
import { type FakeHelpdesk, startFakeHelpdesk } from "../../helpers/fake-helpdesk.ts";
import { SECRET, TOKEN_ENV, writeRoster } from "../../helpers/sources.ts";
import { csv, tempDir, TZ, writeFile } from "../../helpers/warehouse.ts";

let fake: FakeHelpdesk;
let root: string;
let cleanup: () => void;
const env = { [TOKEN_ENV]: SECRET };

/** A project folder with its config, roster and a drop folder holding two survey exports. */
function project(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, "inbox"), { recursive: true });
  const roster = writeRoster(dir);
  writeFile(
    dir,
    "inbox/csat-google-forms.csv",
    csv(
      ["Timestamp", "Ticket number", "Support engineer ID", "How satisfied are you with the support you received?", "Anything else you would like to tell us?"],
      Array.from({ length: 30 }, (_, i) => [`10/${1 + (i % 28)}/2026 1${i % 10}:05:33`, `ZD-${1000 + i}`, `Z${i % 4}`, 1 + (i % 5), i % 3 ? "" : "ok"]),
    ),
  );
  cpSync(path.join(dir, "inbox/csat-google-forms.csv"), path.join(dir, "inbox/csat-google-forms-2.csv"));
  const common = { token_env: TOKEN_ENV, start: "2026-08-01", page_size: 20, batch_records: 40, timeout_seconds: 5, backoff_ms: 10 };
  const config = {
    warehouse: "wh.duckdb",
    timezone: TZ,
    sources: [{ name: "roster", path: path.basename(roster), mapping: "canonical/agents" }],
    drop_folder: { path: "inbox", settle_seconds: 0, rules: [{ match: "csat-google-forms*.csv", mapping: "surveys/google-forms-csat" }] },
    api_sources: [
      { kind: "zendesk", name: "zendesk", url: fake.url, email: "admin@example.com", ...common },
      { kind: "jira", name: "jira", url: fake.url, email: "admin@example.com", sla_fields: { time_to_resolution: "customfield_10030" }, ...common },
    ],
  };
  writeFileSync(path.join(dir, "appraisal.config.yaml"), YAML.stringify(config));
  return dir;
}

const ingest = (dir: string) => runCli(["--config", path.join(dir, "appraisal.config.yaml"), "--wait", "60", "ingest"], env);

/** Every raw table's canonical columns (and which copy is current), sorted: what "the same data" means. */
async function snapshot(dir: string): Promise<Record<string, unknown>> {
  const wh = await Warehouse.open(path.join(dir, "wh.duckdb"), { timezone: TZ, readOnly: true });
  try {
    const out: Record<string, unknown> = {};
    for (const t of TABLE_NAMES) {
      const cols = Object.keys(contractFor(t).schema.shape).map((c) => `"${c}"`).join(", ");
      out[t] = await wh.all(`SELECT ${cols}, _current, _bad FROM raw.${t} ORDER BY ALL`);
    }
    out.cursors = await wh.all("SELECT source, stream, cursor::VARCHAR AS cursor FROM meta.source_cursors ORDER BY ALL");
    out.quarantine = await wh.all("SELECT source, target_table, record, field, reason FROM meta.quarantine ORDER BY ALL");
    return out;
  } finally {
    wh.close();
  }
}

/** After any kill: no orphan rows, no batch without its rows, no key current twice, cursors only with their rows. */
async function assertConsistent(dir: string): Promise<void> {
  if (!existsSync(path.join(dir, "wh.duckdb"))) return; // killed before the warehouse was created
  const wh = await Warehouse.open(path.join(dir, "wh.duckdb"), { timezone: TZ, readOnly: true });
  try {
    if (!(await migrated(wh))) return; // killed while the schema was being created: the next run completes it
    for (const t of TABLE_NAMES) {
      const key = contractFor(t).key.map((k) => `"${k}"`).join(", ");
      expect(Number(await wh.value(`SELECT count(*) FROM raw.${t} WHERE _batch_id NOT IN (SELECT batch_id FROM meta.batches)`)), `orphan rows in raw.${t}`).toBe(0);
      expect(Number(await wh.value(`SELECT count(*) FROM (SELECT ${key} FROM raw.${t} WHERE _current GROUP BY ALL HAVING count(*) > 1)`)), `a key current twice in raw.${t}`).toBe(0);
    }
    const empty = await wh.value("SELECT count(*) FROM meta.batches b WHERE rows_inserted + rows_replaced > 0 AND NOT EXISTS (SELECT 1 FROM raw.tickets WHERE _batch_id = b.batch_id UNION ALL SELECT 1 FROM raw.csat WHERE _batch_id = b.batch_id UNION ALL SELECT 1 FROM raw.agents WHERE _batch_id = b.batch_id)");
    expect(Number(empty), "a batch recorded without its rows").toBe(0);
    // a committed cursor never runs ahead of the rows: the Zendesk tickets cursor covers exactly the tickets stored
    const zd = await wh.one<{ cursor: string } | undefined>("SELECT cursor::VARCHAR AS cursor FROM meta.source_cursors WHERE source = 'zendesk' AND stream = 'tickets'");
    const stored = Number(await wh.value("SELECT count(*) FROM raw.tickets WHERE source = 'zendesk'"));
    const covered = zd ? Number(Buffer.from(JSON.parse(zd.cursor).after_cursor, "base64url").toString()) : 0;
    expect(stored).toBe(covered);
  } finally {
    wh.close();
  }
}

/** whether the schema is complete: every migration in, then every raw table (created from the contracts after the
 *  migrations); a kill while the schema is being created leaves part of it, and the next run completes it */
async function migrated(wh: Warehouse): Promise<boolean> {
  const has = Number(await wh.value("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'meta' AND table_name = 'schema_migrations'"));
  if (!has || Number(await wh.value("SELECT count(*) FROM meta.schema_migrations WHERE version = $v", { v: SCHEMA_VERSION() })) !== 1) return false;
  const raw = Number(await wh.value("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw'"));
  return raw >= TABLE_NAMES.length;
}

/** rows stored so far (tickets, CSAT), 0 before the warehouse exists */
async function storedRows(dir: string): Promise<number> {
  if (!existsSync(path.join(dir, "wh.duckdb"))) return 0;
  const wh = await Warehouse.open(path.join(dir, "wh.duckdb"), { timezone: TZ, readOnly: true });
  try {
    if (!(await migrated(wh))) return 0;
    return Number(await wh.value("SELECT (SELECT count(*) FROM raw.tickets) + (SELECT count(*) FROM raw.csat)"));
  } finally {
    wh.close();
  }
}

beforeAll(async () => {
  ({ dir: root, cleanup } = tempDir("appraisal-crash-"));
  fake = await startFakeHelpdesk({ tickets: 300, ratings: 120, issues: 200, pageSize: 20, delayMs: 15, overlap: 1 });
});
afterAll(async () => {
  await fake?.close();
  cleanup?.();
});

describe("crash safety of ingest", () => {
  it("killed at 10 random points and re-run, ends with the same tables as an uninterrupted run", { timeout: 240_000 }, async () => {
    const reference = project("reference");
    const requests = () => Object.values(fake.counts).reduce((a, b) => a + b, 0);
    const t0 = Date.now();
    const refChild = ingest(reference);
    const before = requests();
    let firstRequest = 0;
    const watch = setInterval(() => {
      if (!firstRequest && requests() > before) firstRequest = Date.now() - t0;
    }, 10);
    const ref = await refChild.exited;
    clearInterval(watch);
    const full = Date.now() - t0;
    expect(ref.code, refChild.output()).toBe(0);
    const want = await snapshot(reference);
    expect((want.tickets as unknown[]).length).toBe(500);
    expect(readdirSync(path.join(reference, "inbox")).filter((f) => f.endsWith(".csv"))).toEqual([]);
    const startup = firstRequest || full / 3; // process start, migrations, roster and drop folder
    const work = full - startup; // fetching and loading the API pages

    const crashed = project("crashed");
    const random = seeded(20261125);
    const kills: Array<{ phase: string; at: number; interrupted: boolean; stored: number }> = [];
    for (let k = 0; k < 10; k++) {
      const start = Date.now();
      const child = ingest(crashed);
      // a random point: during start-up and file loading (3 in 10), or while API pages are fetched and loaded
      const phase = random() < 0.3 ? "start-up" : "api";
      let delay = Math.round(200 + random() * startup);
      if (phase === "api") {
        // a random point in the API work, counted in requests the fake has answered (not in time, which a busy
        // machine stretches): after 1 to 6 more requests, plus a few milliseconds
        const seen = requests();
        const more = 1 + Math.floor(random() * 6);
        while (requests() < seen + more && child.proc.exitCode === null && Date.now() - start < full * 4) await sleep(5);
        delay = Math.round(random() * Math.min(50, work / 20));
      }
      const result = await Promise.race([child.exited, sleep(delay).then(() => null)]);
      const interrupted = result === null;
      if (interrupted) {
        child.proc.kill("SIGKILL");
        await child.exited;
      }
      await assertConsistent(crashed);
      kills.push({ phase, at: Date.now() - start, interrupted, stored: await storedRows(crashed) });
    }
    if (process.env.APPRAISAL_TEST_VERBOSE) console.info(`uninterrupted run ${full} ms (start-up ${startup} ms); kills: ${JSON.stringify(kills)}`);
    const last = ingest(crashed);
    const end = await last.exited;
    expect(end.code, last.output()).toBe(0);
    await assertConsistent(crashed);
    expect(kills.filter((k) => k.interrupted).length, JSON.stringify(kills)).toBeGreaterThanOrEqual(9);
    // the kills fell in the middle of the work, not only before it started or after it ended
    const total = (want.tickets as unknown[]).length + (want.csat as unknown[]).length;
    const midway = new Set(kills.map((k) => k.stored).filter((n) => n > 0 && n < total));
    expect(midway.size, JSON.stringify(kills)).toBeGreaterThanOrEqual(3);
    expect(await snapshot(crashed)).toEqual(want);
    expect(existsSync(path.join(crashed, "inbox", "csat-google-forms.csv"))).toBe(false);
  });

  it("SIGTERM finishes the transaction in flight, exits, and the next run resumes from its cursor", { timeout: 120_000 }, async () => {
    const dir = project("sigterm");
    const child = ingest(dir);
    // wait until the first API batch is committed, then ask it to stop
    for (let i = 0; i < 200 && !/zendesk:tickets/.test(child.output()); i++) await sleep(50);
    child.proc.kill("SIGTERM");
    const r = await child.exited;
    expect(r.signal).toBeNull();
    expect(child.output()).toMatch(/SIGTERM: finishing the transaction in flight/);
    expect(child.output()).toMatch(/stopped by SIGTERM after the last committed transaction/);
    await assertConsistent(dir);
    const again = ingest(dir);
    expect((await again.exited).code, again.output()).toBe(0);
    expect(again.output()).toMatch(/tickets from the saved cursor/);
    const wh = await Warehouse.open(path.join(dir, "wh.duckdb"), { timezone: TZ, readOnly: true });
    try {
      expect(Number(await wh.value("SELECT count(*) FROM raw.tickets"))).toBe(500);
      expect(await wh.value("SELECT list_sort(list(DISTINCT outcome)) FROM meta.runs WHERE kind = 'ingest'")).toEqual(["failed", "ok"]);
    } finally {
      wh.close();
    }
  });
});
