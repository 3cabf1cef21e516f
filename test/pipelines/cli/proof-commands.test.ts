/**
 * `appraisal verify` and `appraisal manifest` on the command line: a published period verifies; one changed input
 * row makes verify exit 1 and name the table that changed.
 */
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Warehouse } from "../../../core/db/warehouse.ts";
import { publish } from "../../../pipelines/rules/lifecycle.ts";
import { buildDepartment, type Department } from "../../helpers/department.ts";
import { publishableQueues } from "../../helpers/queues.ts";
import { TZ, writeFile } from "../../helpers/warehouse.ts";

const run = promisify(execFile);
const BIN = path.join(import.meta.dirname, "..", "..", "..", "bin", "appraisal.mjs");
const SCHEMES = path.join(import.meta.dirname, "..", "..", "fixtures", "workload", "scheme");

let d: Department;
let config: string;

async function appraisal(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, "--config", config, ...args], { cwd: d.dir, env: { ...process.env, CI: "true" }, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  d = await buildDepartment(publishableQueues(60), SCHEMES);
  await publish({ wh: d.wh, timezone: TZ, asOf: new Date("2026-04-10T02:00:00Z") }, "mix-speed", "2026-Q1", "provisional");
  d.wh.close(); // the CLI opens it in another process
  config = writeFile(d.dir, "appraisal.config.yaml", `warehouse: wh.duckdb\nschemes_dir: ${SCHEMES}\nprimary_scheme: mix-speed\n`);
});
afterAll(() => rmSync(d.dir, { recursive: true, force: true }));

it("verifies a published period and prints its manifest", async () => {
  const v = await appraisal("verify", "--period", "2026Q1");
  expect(v.stderr).toBe("");
  expect(v.code).toBe(0);
  expect(v.stdout).toMatch(/^verified: mix-speed 2026-Q1, revision 1 \(manifest [0-9a-f]{12}\): checked 2 input batches, 3 record tables, \d+ published tables and 4 agents/);
  const m = await appraisal("manifest", "--period", "2026-Q1");
  expect(m.code).toBe(0);
  const manifest = JSON.parse(m.stdout);
  expect(manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(manifest.row_counts).toEqual({ "raw.agents": 4, "raw.tickets": 241 });
});

it("fails when one input row changed, naming the input and the tables that changed", async () => {
  const wh = await Warehouse.open(path.join(d.dir, "wh.duckdb"), { timezone: TZ });
  try {
    await wh.run("UPDATE raw.tickets SET resolved_at = resolved_at + INTERVAL 5 HOUR WHERE ticket_id = 'EASY-7' AND _current");
  } finally {
    wh.close();
  }
  const v = await appraisal("verify", "--period", "2026-Q1");
  expect(v.code).toBe(1);
  expect(v.stdout).toMatch(/^NOT verified: mix-speed 2026-Q1/);
  expect(v.stdout).toMatch(/inputs changed since publication:\n {2}raw\.tickets, batch #\d+ \(.*tickets\.csv\): 241 rows, sha256 \w+ at publication, now 241 rows/);
  expect(v.stdout).toMatch(/published tables that no longer rebuild the same:[\s\S]*\n {2}mart\.agent_metrics: /);
  expect(v.stdout).toMatch(/\n {2}EASY: composite /);
  expect(v.stdout).toMatch(/What next: .*appraisal publish --period 2026-Q1 --provisional/);
  const json = JSON.parse((await appraisal("verify", "--period", "2026-Q1", "--json")).stdout);
  expect(json.ok).toBe(false);
  expect(json.differences.filter((x: { kind: string }) => x.kind === "table").map((x: { name: string }) => x.name)).toContain("mart.rankings");
});

it("says what to do for a period that was never published, or a bad flag", async () => {
  const never = await appraisal("verify", "--period", "2026-02");
  expect(never.code).toBe(1);
  expect(never.stderr).toContain("2026-02 of mix-speed has no manifest: it has not been published (appraisal publish --period 2026-02 --provisional writes one)");
  const bad = await appraisal("verify", "--period", "2026-13");
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain("'2026-13' is not a period");
  const none = await appraisal("manifest", "--period", "2026-02");
  expect(none.stderr).toContain("2026-02 of mix-speed has no manifest: publish it first");
});
