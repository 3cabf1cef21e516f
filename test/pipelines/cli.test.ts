/**
 * The appraisal command: help everywhere, exit codes, clear messages for wrong flags and missing data, and explain
 * against a real (small) warehouse.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir, writeFile } from "../helpers/warehouse.ts";

const run = promisify(execFile);
const BIN = path.join(import.meta.dirname, "..", "..", "bin", "appraisal.mjs");

async function appraisal(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, CI: "true" }, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let dir: string;
let cleanup: () => void;
let config: string;

beforeAll(async () => {
  const t = tempDir();
  dir = t.dir;
  cleanup = t.cleanup;
  config = writeFile(
    dir,
    "appraisal.config.yaml",
    `warehouse: wh/appraisal.duckdb
schemes_dir: ${path.join(import.meta.dirname, "..", "..", "schemes")}
demo_mode: true
demo: { out: demo, agents: 24, tickets: 6000, months: 6, end_month: 2026-09 }
sources:
  - { name: roster, path: demo/hr/roster.csv, mapping: demo/roster }
  - { name: tickets, path: demo/helpdesk/tickets-*.csv, mapping: demo/tickets }
  - { name: csat, path: demo/survey/csat-*.ndjson, mapping: demo/csat }
`,
  );
});

afterAll(() => cleanup?.());

describe("help", () => {
  it.each(["", "demo", "ingest", "run", "pipeline", "start", "status", "explain"])("appraisal %s --help exits 0", async (cmd) => {
    const r = await appraisal([...(cmd ? [cmd] : []), "--help"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: appraisal/);
  });
});

describe("failures say what to do", () => {
  it("status before any data", async () => {
    const r = await appraisal(["--config", config, "status"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no warehouse at .*wh\/appraisal\.duckdb yet: run 'npm run pipeline'/);
  });
  it("a period that is not one", async () => {
    const r = await appraisal(["--config", config, "explain", "--agent", "E1001", "--period", "2026-13"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("period: '2026-13' is not a period; write a month 2026-09, a quarter 2026-Q3 or a year 2026");
  });
  it("--file without --mapping", async () => {
    const r = await appraisal(["--config", config, "ingest", "--file", config], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--file needs --mapping");
  });
  it("a config with a wrong field", async () => {
    const bad = writeFile(dir, "bad.yaml", "timezone: Mars/Olympus\n");
    const r = await appraisal(["--config", bad, "status"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml is not valid:\n\s+timezone: not an IANA time zone/);
  });
  it("an unknown command", async () => {
    const r = await appraisal(["frobnicate"], dir);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});

describe("on a small demo department", () => {
  it("pipeline scores the warehouse; explain and status read it", async () => {
    const p = await appraisal(["--config", config, "pipeline"], dir);
    expect(p.stderr).toMatch(/run #\d+: \d+ models and \d+ checks/);
    expect(p.code).toBe(0);
    const e = await appraisal(["--config", config, "explain", "--agent", "E1002", "--period", "2026-Q3", "--json"], dir);
    expect(e.code).toBe(0);
    const x = JSON.parse(e.stdout);
    expect(x.scheme.scheme_id).toBe("support-weighted");
    expect(x.scheme.version).toBe("2026.2"); // the workload-mix version, in force from 2026-07-01
    const sum = x.indicators.reduce((a: number, i: { contribution: number }) => a + i.contribution, 0);
    expect(sum).toBeCloseTo(x.result.composite, 9);
    const text = await appraisal(["--config", config, "explain", "--agent", "E1002", "--period", "2026q3"], dir);
    expect(text.stdout).toMatch(/Composite \d+\.\d = sum of contributions/);
    const s = await appraisal(["--config", config, "status"], dir);
    expect(s.stdout).toMatch(/Periods: 2026-04 to 2026-09; latest complete month 2026-09, quarter 2026-Q3/);
    const u = await appraisal(["--config", config, "explain", "--agent", "E9999", "--period", "2026-Q3"], dir);
    expect(u.code).toBe(1);
    expect(u.stderr).toContain("no agent 'E9999' in the roster");
  });
});
