/**
 * The bottom-20% tracker's state machine over crafted quarterly histories: the model SQL
 * (pipelines/models/rules/bottom_tracker.sql) runs on hand-written tracker inputs.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Warehouse } from "../../../core/db/warehouse.ts";
import { Warehouse as WH } from "../../../core/db/warehouse.ts";
import { reviewDue, reviewOverdue } from "../../../pipelines/rules/review.ts";
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
const QUARTERS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1", "2027-Q2"];
const LAST_DAYS = ["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31", "2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31", "2027-03-31", "2027-06-30"];

/** the tracker's full rows for one agent's history, with committee decisions recorded on some quarters (by index) */
async function trackRows(
  history: string,
  opts: { consecutive?: number; reasons?: Record<number, string>; decisions?: Record<number, string> } = {},
) {
  const quarters = QUARTERS;
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
      quarter_last_day: LAST_DAYS[i]!,
      review_decision_working_days: 10,
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
      quarter_last_day DATE, review_decision_working_days BIGINT, in_bottom_group BOOLEAN, pause_reason VARCHAR, quality_trigger VARCHAR, efficiency_trigger VARCHAR,
      rank_low BIGINT, rank_high BIGINT, interval_level DOUBLE, cut_rank BIGINT, crosses_cut BOOLEAN,
      bottom_share_of_replicates DOUBLE)[])) AS r)`,
    { rows: JSON.stringify(rows) },
  );
  await wh.run("DELETE FROM meta.committee_decisions");
  for (const [i, decision] of Object.entries(opts.decisions ?? {}))
    await wh.run("INSERT INTO meta.committee_decisions VALUES ('s', $p, 'A1', $d, 'manager, HR, lead', NULL, '2026-01-20T10:00:00Z')", {
      p: quarters[Number(i)]!,
      d: decision,
    });
  return wh.all<{
    quarter: string;
    state: string;
    consecutive: number;
    reason: string | null;
    review_since: string | null;
    review_flagged_on: string | null;
    review_decision_working_days: number | null;
    awaiting_decision: boolean;
    committee_decision: string | null;
  }>(
    `SELECT quarter, state, consecutive, reason, review_since, review_flagged_on::VARCHAR AS review_flagged_on, review_decision_working_days,
       awaiting_decision, committee_decision
     FROM (${MODEL.replace("mart.tracker_inputs", "t.tracker_inputs")}) ORDER BY quarter`,
  );
}

/** Run the tracker on one agent's history (quarters 2025-Q1 onward) and return [state, consecutive, reason] per quarter. */
async function track(history: string, opts: { consecutive?: number; reasons?: Record<number, string>; decisions?: Record<number, string> } = {}) {
  return (await trackRows(history, opts)).map((r) => [r.state, r.consecutive, r.reason]);
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

  it("keeps a review open until the committee decides, instead of going back to warning (E1072's warning, review, warning, review)", async () => {
    const s = await trackRows("BBBBBBB");
    expect(s.map((x) => x.state)).toEqual(["watch", "watch", "warning", "review", "review", "review", "review"]);
    expect(s.map((x) => x.consecutive)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(s[3]!.reason).toBe("still in the bottom group after the warning period");
    expect(s[4]!.reason).toBe("review awaiting the committee's decision since 2025-Q4");
    // every quarter of the open review names where it began and the day the committee's working days count from
    expect(s.slice(3).map((x) => [x.review_since, x.review_flagged_on, x.review_decision_working_days, x.awaiting_decision])).toEqual(
      Array(4).fill(["2025-Q4", "2025-12-31", 10, true]),
    );
    expect(s.slice(0, 3).every((x) => x.review_since === null && !x.awaiting_decision)).toBe(true);
  });

  it("ends a review when the agent leaves the bottom group", async () => {
    const s = await track("BBBBB.B");
    expect(s.map((x) => [x[0], x[1]])).toEqual([
      ["watch", 1],
      ["watch", 2],
      ["warning", 3],
      ["review", 4],
      ["review", 5],
      ["recovered", 0],
      ["watch", 1],
    ]);
    expect(s[5]![2]).toBe("out of the bottom group while awaiting the committee's decision: the review ends");
  });

  it("ends a review with the committee's decision; the count starts again", async () => {
    const s = await trackRows("BBBBBBBB", { decisions: { 4: "retain" } });
    expect(s.map((x) => [x.state, x.consecutive])).toEqual([
      ["watch", 1],
      ["watch", 2],
      ["warning", 3],
      ["review", 4],
      ["review", 5],
      ["watch", 1],
      ["watch", 2],
      ["warning", 3],
    ]);
    expect(s[4]!.committee_decision).toBe("retain");
    expect(s[4]!.awaiting_decision).toBe(false);
    expect(s[3]!.awaiting_decision).toBe(true);
  });

  it("makes the next quarter another warning period after 'extend_coaching'", async () => {
    const s = await trackRows("BBBBBB", { decisions: { 3: "extend_coaching" } });
    expect(s.map((x) => x.state)).toEqual(["watch", "watch", "warning", "review", "review", "review"]);
    // a new review, begun after the extended coaching
    expect(s[4]!.reason).toBe("still in the bottom group after the warning period");
    expect(s[4]!.review_since).toBe("2026-Q1");
    const t = await track("BBBB.", { decisions: { 3: "extend_coaching" } });
    expect(t.map((x) => x[0])).toEqual(["watch", "watch", "warning", "review", "recovered"]);
  });

  it("keeps an open review through a quarter that does not count", async () => {
    const s = await trackRows("BBBBPB", { reasons: { 4: "excluded: parental leave" } });
    expect(s.map((x) => x.state)).toEqual(["watch", "watch", "warning", "review", "paused", "review"]);
    expect(s[5]!.review_since).toBe("2025-Q4");
  });

  it("dates the committee's decision by working days after the quarter the review began in, with the department's holidays", () => {
    // 2025-Q4 ends on Wednesday 2025-12-31; New Year's Day is a holiday: 10 working days end on 2026-01-15
    expect(reviewDue("2025-12-31", 10, ["2026-01-01"])).toBe("2026-01-15");
    expect(reviewDue("2025-12-31", 10)).toBe("2026-01-14");
    expect(reviewOverdue("2026-01-15", "2026-01-15")).toBe(false);
    expect(reviewOverdue("2026-01-15", "2026-01-16")).toBe(true);
  });
});
