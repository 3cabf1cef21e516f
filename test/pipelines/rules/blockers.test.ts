/**
 * A period is not published while a file of it could not be read or is mostly quarantined (issue 10 item 3): the
 * pipeline exits non-zero naming the file, and `publish` refuses, naming it, until the file is fixed and loaded.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "../../helpers/cli.ts";
import { csv, tempDir, writeFile } from "../../helpers/warehouse.ts";

const run = promisify(execFile);
async function appraisal(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [BIN, "--config", config, ...args], { env: { ...process.env, CI: "true" } });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

const HEAD = ["ticket_id", "created_at", "resolved_at", "status", "priority", "assignee_id"];
const month = (m: string, n: number, agent = "A1") =>
  Array.from({ length: n }, (_, i) => [`T${m}-${i}`, `2026-${m}-${String(2 + (i % 25)).padStart(2, "0")} 09:00:00`, `2026-${m}-${String(2 + (i % 25)).padStart(2, "0")} 11:00:00`, "resolved", "normal", i % 2 ? "A2" : agent]);

let dir: string;
let cleanup: () => void;
let config: string;

beforeAll(() => {
  const t = tempDir();
  dir = t.dir;
  cleanup = t.cleanup;
  writeFile(dir, "roster.csv", csv(["agent_id", "display_name", "team", "department", "hire_date"], [["A1", "Ann", "T1", "Support", "2025-01-01"], ["A2", "Bo", "T1", "Support", "2025-01-01"]]));
  writeFile(dir, "tickets/2026-01.csv", csv(HEAD, [["T0", "2026-01-01 08:00:00", "2026-01-01 09:00:00", "resolved", "normal", "A1"], ...month("01", 20)]));
  // February's export cannot be read at all (a column is missing); March has 60% of its rows for an unknown agent
  writeFile(dir, "tickets/2026-02.csv", csv(["ticket", "created"], [["X", "2026-02-03"]]));
  writeFile(dir, "tickets/2026-03.csv", csv(HEAD, [...month("03", 8), ...month("03", 12, "NOBODY").filter((r) => r[5] === "NOBODY").map((r) => [`${r[0]}x`, ...r.slice(1)]), ...month("03", 12, "NOBODY").filter((r) => r[5] === "NOBODY").map((r) => [`${r[0]}y`, ...r.slice(1)])]));
  writeFile(dir, "tickets/2026-04.csv", csv(HEAD, [["T4", "2026-04-01 08:00:00", "2026-04-01 09:00:00", "resolved", "normal", "A1"]]));
  config = writeFile(
    dir,
    "appraisal.config.yaml",
    `warehouse: wh/appraisal.duckdb
schemes_dir: ${path.join(import.meta.dirname, "..", "..", "fixtures", "golden", "scheme")}
primary_scheme: golden
publication_checks: { max_quarantined_share: 0.2 }
sources:
  - { name: roster, path: roster.csv, mapping: canonical/agents }
  - { name: tickets, path: tickets/*.csv, mapping: canonical/tickets }
`,
  );
});
afterAll(() => cleanup?.());

describe("unreadable and mostly quarantined files", () => {
  it("make the pipeline exit non-zero, naming the unreadable file", async () => {
    const r = await appraisal(["pipeline"]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/tickets\/2026-02\.csv: missing columns/);
    expect(r.out).toMatch(/pipeline: 1 file\(s\) could not be read \(.*tickets\/2026-02\.csv\); the periods they cover cannot be published until they are fixed/);
  });

  it("keep every period from being published while a file is unreadable, naming it", async () => {
    const r = await appraisal(["publish", "--period", "2026-01", "--provisional"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("2026-01 cannot be published while a source file is incomplete:");
    expect(r.out).toMatch(/tickets\/2026-02\.csv \(source tickets, tickets\): could not be read \(.*missing columns/);
    expect(r.out).toContain("publication_checks.max_quarantined_share");
  });

  it("once the file is fixed, publish what is complete; a file quarantined above the share still blocks its month", async () => {
    writeFile(dir, "tickets/2026-02.csv", csv(HEAD, month("02", 20)));
    expect((await appraisal(["ingest"])).code).toBe(0);
    expect((await appraisal(["run"])).code).toBe(0);
    const jan = await appraisal(["publish", "--period", "2026-01", "--provisional"]);
    expect(jan.out).toContain("2026-01 published as provisional");
    const mar = await appraisal(["publish", "--period", "2026-03", "--provisional"]);
    expect(mar.code).toBe(1);
    expect(mar.out).toMatch(/tickets\/2026-03\.csv \(source tickets, tickets\): 12 of 20 rows quarantined \(60%, above the limit of 20%\)/);
    expect((await appraisal(["publish", "--period", "2026-02", "--provisional"])).out).toContain("2026-02 published as provisional");
  });
});
