/**
 * Paths in a config kept elsewhere (issue 11, item 12): relative paths (warehouse, sources, mappings, schemes_dir)
 * resolve against the config file's folder, whatever the working folder; without schemes_dir the schemes shipped
 * with the project are used, wherever the config lives.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadConfig, SHIPPED_SCHEMES, schemesDir } from "../../core/config/app.ts";
import { GOLDEN_SCHEME } from "../helpers/department.ts";
import { csv, tempDir, writeFile } from "../helpers/warehouse.ts";

const run = promisify(execFile);
const BIN = path.join(import.meta.dirname, "..", "..", "bin", "appraisal.mjs");

async function appraisal(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, CI: "true" }, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

let dir: string;
let cleanup: () => void;
let elsewhere: string;

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  // the department's folder: exports beside the config folder, the command run from somewhere else entirely
  writeFile(
    dir,
    "exports/roster.csv",
    csv(["agent_id", "display_name", "team", "department", "hire_date"], ["A1", "A2", "A3", "A4", "A5"].map((a) => [a, `Agent ${a}`, "T1", "Support", "2024-01-01"])),
  );
  const rows: string[][] = [];
  for (let i = 1; i <= 60; i++) rows.push([`T-${i}`, `2025-0${1 + (i % 3)}-1${i % 9} 09:00`, `2025-0${1 + (i % 3)}-1${i % 9} 15:00`, "resolved", "normal", `A${1 + (i % 5)}`]);
  writeFile(dir, "exports/tickets.csv", csv(["id", "created", "solved", "status", "priority", "owner"], rows));
  writeFile(
    dir,
    "etc/mappings/tickets.yaml",
    "table: tickets\nformat: csv\ncolumns:\n  ticket_id: id\n  created_at: created\n  resolved_at: solved\n  status: status\n  priority: priority\n  assignee_id: owner\n",
  );
  elsewhere = path.join(dir, "somewhere", "else");
  mkdirSync(elsewhere, { recursive: true });
});
afterAll(() => cleanup?.());

const SOURCES = `sources:
  - { name: roster, path: ../exports/roster.csv, mapping: canonical/agents }
  - { name: tickets, path: ../exports/tickets.csv, mapping: mappings/tickets.yaml }
`;

it("finds the shipped schemes without schemes_dir, and resolves schemes_dir against the config's folder", () => {
  const shipped = loadConfig(writeFile(dir, "etc/a.yaml", "warehouse: wh.duckdb\n"), elsewhere);
  expect(schemesDir(shipped)).toBe(SHIPPED_SCHEMES);
  expect(existsSync(path.join(SHIPPED_SCHEMES, "support-weighted.yaml"))).toBe(true);
  const own = loadConfig(writeFile(dir, "etc/b.yaml", "schemes_dir: my-schemes\n"), elsewhere);
  expect(schemesDir(own)).toBe(path.join(dir, "etc", "my-schemes"));
});

it("runs a department whose config is kept in another folder, from any working folder", async () => {
  const config = writeFile(dir, "etc/appraisal.config.yaml", `warehouse: ../warehouse/appraisal.duckdb\nprimary_scheme: support-weighted\n${SOURCES}`);
  const ingest = await appraisal(["--config", config, "ingest"], elsewhere);
  expect(ingest.out).toMatch(/ingest: 2 file\(s\) or page batch\(es\) loaded/);
  expect(ingest.code).toBe(0);
  const scored = await appraisal(["--config", config, "run"], elsewhere);
  expect(scored.out).toMatch(/run #\d+: \d+ models and \d+ checks/);
  expect(scored.code).toBe(0);
  expect(existsSync(path.join(dir, "warehouse", "appraisal.duckdb"))).toBe(true);
  const status = await appraisal(["--config", config, "status"], elsewhere);
  expect(status.out).toMatch(/support-weighted 2024\.1 from/);
}, 120_000);

it("uses the config's own schemes folder when it names one", async () => {
  cpSync(GOLDEN_SCHEME, path.join(dir, "etc2", "schemes-of-our-own"), { recursive: true });
  writeFile(dir, "etc2/mappings/tickets.yaml", "table: tickets\nformat: csv\ncolumns:\n  ticket_id: id\n  created_at: created\n  resolved_at: solved\n  status: status\n  priority: priority\n  assignee_id: owner\n");
  const config = writeFile(dir, "etc2/appraisal.config.yaml", `warehouse: wh.duckdb\nschemes_dir: schemes-of-our-own\nprimary_scheme: golden\n${SOURCES}`);
  const p = await appraisal(["--config", config, "pipeline"], elsewhere);
  expect(p.code, p.out).toBe(0);
  const status = await appraisal(["--config", config, "status"], elsewhere);
  expect(status.out).toMatch(/golden 1 from 2025-01-01/);
  expect(status.out).not.toMatch(/support-weighted/);
}, 120_000);
