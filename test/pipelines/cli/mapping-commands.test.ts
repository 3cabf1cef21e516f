/**
 * The README's walkthrough, through the real command line: draft the roster's and the helpdesk export's mappings
 * with `mapping init`, dry-run with `mapping check` (which writes nothing), then `ingest` with the drafts.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Warehouse } from "../../../core/db/warehouse.ts";
import { TZ, tempDir, writeFile } from "../../helpers/warehouse.ts";

const run = promisify(execFile);
const BIN = path.join(import.meta.dirname, "..", "..", "..", "bin", "appraisal.mjs");
const FIXTURES = path.join(import.meta.dirname, "..", "..", "fixtures", "chinese-helpdesk");

async function appraisal(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, CI: "true" }, maxBuffer: 8 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let dir: string;
let cleanup: () => void;
let config: string;
const tickets = path.join(FIXTURES, "tickets-gbk.csv");
const roster = path.join(FIXTURES, "roster-gbk.csv");

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  config = writeFile(
    dir,
    "appraisal.config.yaml",
    `warehouse: wh/appraisal.duckdb
timezone: Asia/Shanghai
sources:
  - { name: roster, path: ${roster}, mapping: roster.yaml }
  - { name: helpdesk, path: ${tickets}, mapping: helpdesk.yaml }
`,
  );
});
afterAll(() => cleanup?.());

describe("appraisal mapping", () => {
  it("init drafts the roster's and the export's mappings, says what it could not place, and never overwrites a file unasked", async () => {
    const a = await appraisal(["--config", config, "mapping", "init", "--file", roster, "--table", "agents", "--out", path.join(dir, "roster.yaml")], dir);
    expect(a.code).toBe(0);
    expect(a.stderr).toMatch(/recognised: the shipped mapping 'demo\/roster'/);
    const t = await appraisal(["--config", config, "mapping", "init", "--file", tickets, "--table", "tickets", "--out", path.join(dir, "helpdesk.yaml")], dir);
    expect(t.code).toBe(0);
    expect(t.stderr).toMatch(/no shipped mapping matches this header/);
    expect(t.stderr).toMatch(/status\s+<- '状态' with a value map/);
    expect(t.stderr).toMatch(/could not place: .*reopen_count/);
    expect(t.stderr).toMatch(/next: appraisal mapping check --file .*tickets-gbk\.csv --mapping .*helpdesk\.yaml/);
    const again = await appraisal(["--config", config, "mapping", "init", "--file", tickets, "--table", "tickets", "--out", path.join(dir, "helpdesk.yaml")], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/helpdesk\.yaml exists; pass --force/);
  });

  it("check prints values before and after and the rows that would be quarantined, and writes no warehouse", async () => {
    const r = await appraisal(["--config", config, "mapping", "check", "--file", tickets, "--mapping", path.join(dir, "helpdesk.yaml"), "--roster", roster, "--roster-mapping", path.join(dir, "roster.yaml")], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/5 read \(gb18030\): 4 would load, 1 would be quarantined/);
    expect(r.stdout).toMatch(/"2026\/3\/2 9:14" -> 2026-03-02 09:14:00\+08/);
    expect(r.stdout).toMatch(/line 6, assignee_id "外包客服": unknown agent: not in the roster/);
    expect(existsSync(path.join(dir, "wh"))).toBe(false);
  });

  it("ingest loads with the drafts; check then takes the roster from the warehouse", async () => {
    const i = await appraisal(["--config", config, "ingest"], dir);
    expect(i.stderr).toMatch(/2 file\(s\) or page batch\(es\) loaded/);
    const wh = await Warehouse.open(path.join(dir, "wh", "appraisal.duckdb"), { timezone: TZ, readOnly: true });
    try {
      expect(await wh.value("SELECT count(*) FROM raw.tickets WHERE _current")).toBe(4);
      expect(await wh.all("SELECT ticket_id, status, assignee_id FROM raw.tickets WHERE _current ORDER BY ticket_id")).toEqual([
        { ticket_id: "20001", status: "resolved", assignee_id: "E4001" },
        { ticket_id: "20002", status: "closed", assignee_id: "E4002" },
        { ticket_id: "20003", status: "open", assignee_id: "E4003" },
        { ticket_id: "20004", status: "pending", assignee_id: null },
      ]);
    } finally {
      wh.close();
    }
    const c = await appraisal(["--config", config, "mapping", "check", "--file", tickets, "--mapping", path.join(dir, "helpdesk.yaml")], dir);
    expect(c.code).toBe(0);
    expect(c.stdout).toMatch(/roster: 3 agent\(s\) in force in the warehouse/);
  });
});
