/**
 * The bottom-20% tracker's state machine over crafted quarterly histories: the model SQL
 * (pipelines/models/rules/bottom_tracker.sql) runs on hand-written tracker inputs.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Warehouse } from "../../../pipelines/db/warehouse.ts";
import { Warehouse as WH } from "../../../pipelines/db/warehouse.ts";
import { tempDir, TZ } from "../../helpers/warehouse.ts";

const MODEL = readFileSync(path.join(import.meta.dirname, "..", "..", "..", "pipelines", "models", "rules", "bottom_tracker.sql"), "utf8");

interface Quarter {
  /** B: in the bottom group; . : counted, not in it; P: paused (a reason); Q: severe-quality trigger (and not bottom); T: tied at the cut, in the group */
  code: "B" | "." | "P" | "Q" | "T";
  reason?: string;
}

let wh: Warehouse;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  wh = await WH.open(path.join(t.dir, "wh.duckdb"), { timezone: TZ });
});
afterAll(() => {
  wh?.close();
  cleanup?.();
});

/** Run the tracker on one agent's history (quarters 2025-Q1 onward) and return [state, consecutive, reason] per quarter. */
async function track(history: string, opts: { consecutive?: number; reasons?: Record<number, string> } = {}) {
  const quarters = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1", "2027-Q2"];
  const rows = [...history].map((code, i) => {
    const c = code as Quarter["code"];
    return {
      scheme_id: "s",
      version: "1",
      quarter: quarters[i]!,
      agent_id: "A1",
      display_name: "Ann",
      team: "T1",
      department: "D",
      composite: 50,
      department_rank: 9,
      department_ranked: 10,
      bottom_cut: 55,
      tied_at_cut: c === "T",
      consecutive_quarters: opts.consecutive ?? 3,
      in_bottom_group: c === "B" || c === "T",
      pause_reason: c === "P" ? (opts.reasons?.[i] ?? "new hire (3 months in post, the rule starts after 6)") : null,
      quality_trigger: c === "Q" ? "severe quality: 7 complaints in the quarter (threshold 6)" : null,
      efficiency_trigger: null,
      rank_low: null,
      rank_high: null,
      interval_level: null,
      cut_rank: null,
      crosses_cut: null,
      bottom_share_of_replicates: null,
    };
  });
  await wh.run("CREATE SCHEMA IF NOT EXISTS t");
  await wh.run(
    `CREATE OR REPLACE TABLE t.tracker_inputs AS SELECT r.* FROM (SELECT unnest(CAST($rows::JSON AS STRUCT(
      scheme_id VARCHAR, version VARCHAR, quarter VARCHAR, agent_id VARCHAR, display_name VARCHAR, team VARCHAR, department VARCHAR,
      composite DOUBLE, department_rank BIGINT, department_ranked BIGINT, bottom_cut DOUBLE, tied_at_cut BOOLEAN, consecutive_quarters BIGINT,
      in_bottom_group BOOLEAN, pause_reason VARCHAR, quality_trigger VARCHAR, efficiency_trigger VARCHAR,
      rank_low BIGINT, rank_high BIGINT, interval_level DOUBLE, cut_rank BIGINT, crosses_cut BOOLEAN,
      bottom_share_of_replicates DOUBLE)[])) AS r)`,
    { rows: JSON.stringify(rows) },
  );
  const out = await wh.all<{ quarter: string; state: string; consecutive: number; reason: string | null }>(
    `SELECT quarter, state, consecutive, reason FROM (${MODEL.replace("mart.tracker_inputs", "t.tracker_inputs")}) ORDER BY quarter`,
  );
  return out.map((r) => [r.state, r.consecutive, r.reason]);
}

describe("the bottom-20% tracker", () => {
  it("warns after three quarters in a row, then flags for review if the warning period does not help", async () => {
    const s = await track("BBBB");
    expect(s.map((x) => x[0])).toEqual(["watch", "watch", "warning", "review"]);
    expect(s[2]![2]).toBe("in the bottom group 3 quarters in a row (2025-Q1 to 2025-Q3)");
    expect(s[3]![2]).toBe("still in the bottom group after the warning period");
  });

  it("resets the count after a quarter outside the bottom group", async () => {
    const s = await track("BB.BB.");
    expect(s.map((x) => [x[0], x[1]])).toEqual([
      ["watch", 1],
      ["watch", 2],
      ["normal", 0],
      ["watch", 1],
      ["watch", 2],
      ["normal", 0],
    ]);
  });

  it("counts agents tied at the 20% cut as in the group", async () => {
    const s = await track("TBT");
    expect(s.map((x) => x[0])).toEqual(["watch", "watch", "warning"]);
  });

  it("pauses, without resetting, when the department is too small for the rule", async () => {
    const small = "rule not applied: 4 ranked agents, fewer than 5";
    const s = await track("BPBB", { reasons: { 1: small } });
    expect(s.map((x) => [x[0], x[1]])).toEqual([
      ["watch", 1],
      ["paused", 1],
      ["watch", 2],
      ["warning", 3],
    ]);
    expect(s[1]![2]).toBe(small);
    expect(s[3]![2]).toBe("in the bottom group 3 quarters in a row (2025-Q1 to 2025-Q4)");
  });

  it("does not track a new hire in their first months", async () => {
    const s = await track("PPBBB");
    expect(s.map((x) => x[0])).toEqual(["paused", "paused", "watch", "watch", "warning"]);
    expect(s[0]![2]).toMatch(/^new hire/);
  });

  it("records recovery during the warning period", async () => {
    const s = await track("BBB.B");
    expect(s.map((x) => [x[0], x[1]])).toEqual([
      ["watch", 1],
      ["watch", 2],
      ["warning", 3],
      ["recovered", 0],
      ["watch", 1],
    ]);
    expect(s[3]![2]).toBe("out of the bottom group after the warning period");
  });

  it("warns at once on a severe quality problem, whatever the rank", async () => {
    const s = await track(".Q..");
    expect(s.map((x) => x[0])).toEqual(["normal", "warning", "recovered", "normal"]);
    expect(s[1]![2]).toMatch(/^severe quality/);
  });

  it("follows the scheme's number of consecutive quarters", async () => {
    const s = await track("BB", { consecutive: 2 });
    expect(s.map((x) => x[0])).toEqual(["watch", "warning"]);
  });
});
