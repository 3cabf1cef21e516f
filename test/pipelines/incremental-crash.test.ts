/**
 * Crash safety of the incremental refresh: the real `appraisal run` that recomputes one more day in place is killed
 * with SIGKILL at random points (8 times, each from the warehouse of before the refresh). After every kill the
 * warehouse opens, and every table model holds either the rows of before the refresh or those of the refresh
 * completed (never a mix); the next run completes it, and the result equals that of a refresh never interrupted.
 */
import { copyFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { writeDelta } from "../../bench/delta.ts";
import { DEMO_SOURCES } from "../../core/config/app.ts";
import { Warehouse } from "../../core/db/warehouse.ts";
import { generateDemo } from "../../pipelines/demo/generate.ts";
import { listModels } from "../../pipelines/run.ts";
import { runCli, seeded, sleep } from "../helpers/cli.ts";
import { TZ, tempDir } from "../helpers/warehouse.ts";

let root: string;
let cleanup: () => void;
const SCHEMES = path.join(import.meta.dirname, "..", "..", "schemes");
const TABLES = listModels().filter((m) => m.kind === "TABLE").map((m) => m.name);

/** A config for the demo department under `root`, with a warehouse of its own. */
function config(name: string): string {
  const file = path.join(root, `${name}.config.yaml`);
  const sources = DEMO_SOURCES.filter((s) => s.name !== "opinion-survey").map((s) => ({ ...s, path: path.join(root, s.path.replace("demo-data/", "demo/")) }));
  writeFileSync(file, YAML.stringify({ timezone: TZ, warehouse: path.join(root, `${name}.duckdb`), schemes_dir: SCHEMES, sources }));
  return file;
}
const cli = (cfg: string, command: string) => runCli(["--config", cfg, "--wait", "60", command]);
async function ok(cfg: string, command: string): Promise<void> {
  const c = cli(cfg, command);
  const r = await c.exited;
  expect(r.code, c.output()).toBe(0);
}

/** Every table model's rows (count and a hash of every row) and the last successful run. */
async function fingerprint(name: string): Promise<{ tables: Record<string, string>; runs: number; mode: string | null }> {
  const wh = await Warehouse.open(path.join(root, `${name}.duckdb`), { timezone: TZ, readOnly: true });
  try {
    const tables: Record<string, string> = {};
    for (const t of TABLES) tables[t] = String(await wh.value(`SELECT count(*) || ':' || coalesce(sum(hash(x::VARCHAR)), 0) FROM ${t} x`));
    return {
      tables,
      runs: Number(await wh.value("SELECT count(*) FROM meta.runs WHERE kind = 'run' AND outcome = 'ok'")),
      mode: await wh.value<string | null>("SELECT detail->'rebuilt'->>'mode' FROM meta.runs WHERE kind = 'run' AND outcome = 'ok' ORDER BY run_id DESC LIMIT 1"),
    };
  } finally {
    wh.close();
  }
}

beforeAll(async () => {
  const t = tempDir();
  root = t.dir;
  cleanup = t.cleanup;
  await generateDemo({ out: path.join(root, "demo"), seed: 11, agents: 24, tickets: 9_000, months: 8, endMonth: "2026-10" });
  const cfg = config("before");
  await ok(cfg, "ingest");
  await ok(cfg, "run");
  // one more day of exports, ingested: the refresh to kill is the run after it
  const helpdesk = path.join(root, "demo", "helpdesk");
  const last = readdirSync(helpdesk).filter((f) => /^tickets-\d{4}-\d{2}\.csv$/.test(f)).sort().at(-1)!;
  await writeDelta(path.join(helpdesk, last), path.join(helpdesk, "tickets-2026-11-01.csv"));
  await ok(cfg, "ingest");
  for (const name of ["reference", "crashed"]) copyFileSync(path.join(root, "before.duckdb"), path.join(root, `${name}.duckdb`));
}, 300_000);
afterAll(() => cleanup?.());

describe("an incremental refresh killed at any point", () => {
  it("leaves the state before it or after it, and a re-run completes it", { timeout: 600_000 }, async () => {
    const before = await fingerprint("before");
    const t0 = Date.now();
    const reference = cli(config("reference"), "run");
    expect((await reference.exited).code, reference.output()).toBe(0);
    const full = Date.now() - t0;
    expect(reference.output()).toMatch(/run #\d+/);
    const after = await fingerprint("reference");
    expect(after.runs).toBe(before.runs + 1);
    expect(after.mode).toBe("periods");
    expect(after.tables).not.toEqual(before.tables);

    const cfg = config("crashed");
    const random = seeded(20261126);
    const kills: Array<{ at: number; interrupted: boolean; state: string }> = [];
    for (let k = 0; k < 8; k++) {
      // each kill starts again from the warehouse of before the refresh, at a random point of its run (the last fifth
      // of which publishes the boards' snapshot, after the commit)
      rmSync(path.join(root, "crashed.duckdb.wal"), { force: true });
      copyFileSync(path.join(root, "before.duckdb"), path.join(root, "crashed.duckdb"));
      const child = cli(cfg, "run");
      const delay = Math.round(full * (0.15 + random() * 0.75));
      const result = await Promise.race([child.exited, sleep(delay).then(() => null)]);
      if (result === null) {
        child.proc.kill("SIGKILL");
        await child.exited;
      }
      const now = await fingerprint("crashed");
      const state = JSON.stringify(now.tables) === JSON.stringify(before.tables) ? "before" : JSON.stringify(now.tables) === JSON.stringify(after.tables) ? "after" : "mixed";
      kills.push({ at: delay, interrupted: result === null, state });
      expect(state, JSON.stringify(kills)).not.toBe("mixed");
    }
    if (process.env.APPRAISAL_TEST_VERBOSE) console.info(`uninterrupted refresh ${full} ms; kills: ${JSON.stringify(kills)}`);
    // most kills fell inside the refresh's transaction, and left the state of before it
    expect(kills.filter((k) => k.interrupted && k.state === "before").length, JSON.stringify(kills)).toBeGreaterThanOrEqual(3);
    // the last killed refresh is run again to the end
    await ok(cfg, "run");
    expect((await fingerprint("crashed")).tables).toEqual(after.tables);
  });
});
