/**
 * The improvement loop's commands on the command line: help, and clear refusals before anything runs (no
 * notifications section, a draft that does not exist or does not add up, a missing reason, both --period and --last).
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir, writeFile } from "../../helpers/warehouse.ts";

const run = promisify(execFile);
const BIN = path.join(import.meta.dirname, "..", "..", "..", "bin", "appraisal.mjs");
let dir: string;
let cleanup: () => void;
let config: string;

async function appraisal(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [BIN, "--config", config, ...args], { cwd: dir, env: { ...process.env, CI: "true" } });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

beforeAll(() => {
  const t = tempDir();
  dir = t.dir;
  cleanup = t.cleanup;
  config = writeFile(dir, "appraisal.config.yaml", `warehouse: wh/appraisal.duckdb\nschemes_dir: ${path.join(import.meta.dirname, "..", "..", "..", "schemes")}\n`);
});
afterAll(() => cleanup?.());

describe("appraisal simulate, adopt and notify", () => {
  it.each(["simulate", "adopt", "notify"])("appraisal %s --help exits 0", async (cmd) => {
    const r = await appraisal([cmd, "--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: appraisal/);
  });

  it("refuses to notify without a notifications: section", async () => {
    const r = await appraisal(["notify", "--dry-run"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("no notifications: section in the config");
  });

  it("names a draft that is missing or does not add up, before opening the warehouse", async () => {
    expect((await appraisal(["simulate", "--scheme", "nope.yaml"])).out).toMatch(/draft file .*nope\.yaml does not exist/);
    writeFile(dir, "bad.yaml", 'scheme: support-weighted\nversion: "x1"\neffective_from: 2027-01-01\nweights: { certifications: 10 }\n');
    const r = await appraisal(["simulate", "--scheme", "bad.yaml"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("weights of dimension 'professional_skills' add up to 85; they must add up to 100");
    expect((await appraisal(["simulate", "--scheme", "bad.yaml", "--period", "2026-Q3", "--last", "4q"])).out).toContain("give --period or --last, not both");
    expect((await appraisal(["adopt", "--draft", "bad.yaml", "--reason", " "])).out).toContain("a reason is required");
  });
});
