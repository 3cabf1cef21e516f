/**
 * Rank uncertainty (indicator_uncertainty, rank_replicates, rank_intervals): an agent with many tickets gets a narrow
 * interval, one with few a wide one; the same seed repeats the replicates bit for bit; the bottom tracker marks a
 * rank whose interval crosses the cut.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runModels } from "../../../../pipelines/run.ts";
import { loadSchemes } from "../../../../pipelines/scheme/load.ts";
import { buildDepartment, type Cell, type Department } from "../../../helpers/department.ts";

const FIXTURE = path.join(import.meta.dirname, "..", "..", "..", "fixtures", "uncertainty");
const SCHEME = path.join(FIXTURE, "scheme");

/**
 * Agents that differ in reopen share and in unsatisfied CSAT responses (A1 best ... A6 worst); BIG and SMALL sit in the
 * middle with 400 and 20 tickets.
 */
const AGENTS: Array<[string, number, number, number]> = [
  ["A1", 80, 0.04, 0],
  ["A2", 80, 0.07, 0.1],
  ["A3", 80, 0.1, 0.2],
  ["BIG", 400, 0.12, 0.25],
  ["SMALL", 20, 0.1, 0.2],
  ["A4", 80, 0.13, 0.3],
  ["A5", 80, 0.16, 0.4],
  ["A6", 80, 0.2, 0.5],
];

function department() {
  const tickets: Cell[][] = [];
  const csat: Cell[][] = [];
  for (const [agent, n, reopenShare, unsatisfiedShare] of AGENTS) {
    const reopened = Math.round(n * reopenShare);
    const responses = n / 4;
    for (let i = 0; i < n; i++) {
      const day = 1 + Math.floor((i * 85) / n);
      const created = new Date(Date.UTC(2026, 0, day, 1));
      const hours = 2 + (i % 5);
      const id = `${agent}-${i + 1}`;
      const at = (d: Date) => d.toISOString().replace("T", " ").slice(0, 19);
      tickets.push([id, at(created), at(new Date(created.getTime() + hours * 3_600_000)), "resolved", "normal", agent, i < reopened ? 1 : 0]);
      // every fourth ticket is rated; the first unsatisfiedShare of the ratings are unsatisfied
      if (i % 4 === 0) csat.push([`R-${id}`, id, agent, at(new Date(created.getTime() + 30 * 3_600_000)), i / 4 < unsatisfiedShare * responses ? 2 : 5]);
    }
  }
  return {
    roster: {
      header: ["agent_id", "display_name", "team", "department", "hire_date"],
      rows: AGENTS.map(([a]) => [a, a, a.startsWith("A") && a < "A4" ? "T1" : "T2", "Support", "2024-01-01"]),
    },
    tickets: { header: ["ticket_id", "created_at", "resolved_at", "status", "priority", "assignee_id", "reopen_count"], rows: tickets },
    csat: { header: ["response_id", "ticket_id", "agent_id", "submitted_at", "score"], rows: csat },
  };
}

interface Interval {
  agent_id: string;
  department_rank: number;
  rank_low: number;
  rank_high: number;
  composite: number;
  composite_low: number;
  composite_high: number;
  cut_rank: number | null;
  crosses_cut: boolean | null;
  in_bottom_group: boolean;
}

let d: Department;
beforeAll(async () => {
  d = await buildDepartment(department(), SCHEME);
});
afterAll(() => d?.done());

const intervals = async () =>
  Object.fromEntries(
    (await d.wh.all<Interval>("SELECT * FROM mart.rank_intervals WHERE period = '2026-Q1' ORDER BY agent_id")).map((r) => [r.agent_id, r]),
  );

/** every replicate, as text: a seeded run must repeat it exactly */
const replicates = async () =>
  (await d.wh.all<{ t: string }>("SELECT string_agg(CAST(x AS VARCHAR), '\n' ORDER BY agent_id, replicate) AS t FROM mart.rank_replicates x"))[0]!.t;

describe("rank intervals", () => {
  it("are narrow for an agent with many tickets and wide for one with few", async () => {
    const iv = await intervals();
    const big = iv.BIG!;
    const small = iv.SMALL!;
    const width = (r: Interval) => r.composite_high - r.composite_low;
    expect(width(small)).toBeGreaterThan(3 * width(big));
    expect(small.rank_high - small.rank_low).toBeGreaterThan(big.rank_high - big.rank_low);
    expect(small.rank_high - small.rank_low).toBeGreaterThanOrEqual(4);
    expect(big.rank_high - big.rank_low).toBeLessThanOrEqual(2);
    for (const r of Object.values(iv)) {
      expect(r.rank_low).toBeLessThanOrEqual(r.department_rank);
      expect(r.rank_high).toBeGreaterThanOrEqual(r.department_rank);
      expect(r.composite_low).toBeLessThanOrEqual(r.composite_high);
    }
  });

  it("carry each indicator's sampling error through the scheme's own scoring, percentiles included", async () => {
    const rows = await d.wh.all<{ agent_id: string; indicator_id: string; score: number; score_low: number; score_high: number; raw_se: number }>(
      "SELECT agent_id, indicator_id, score, score_low, score_high, raw_se FROM mart.indicator_uncertainty WHERE period = '2026-Q1'",
    );
    expect(rows).toHaveLength(3 * AGENTS.length);
    for (const r of rows) {
      expect(r.raw_se).toBeGreaterThan(0);
      expect(r.score_low).toBeLessThanOrEqual(r.score + 1e-9);
      expect(r.score_high).toBeGreaterThanOrEqual(r.score - 1e-9);
    }
    const reopen = (a: string) => rows.find((r) => r.agent_id === a && r.indicator_id === "reopen")!;
    expect(reopen("SMALL").score_high - reopen("SMALL").score_low).toBeGreaterThan(3 * (reopen("BIG").score_high - reopen("BIG").score_low));
  });

  it("repeat exactly with the same seed, and differ with another", async () => {
    const first = await replicates();
    const firstIntervals = await intervals();
    expect(first.split("\n")).toHaveLength(200 * AGENTS.length);
    await runModels(d.wh, loadSchemes(SCHEME));
    expect(await replicates()).toBe(first);
    expect(await intervals()).toEqual(firstIntervals);
    await runModels(d.wh, loadSchemes(path.join(FIXTURE, "reseeded")));
    expect(await replicates()).not.toBe(first);
    await runModels(d.wh, loadSchemes(SCHEME));
    expect(await replicates()).toBe(first);
  });

  it("mark a rank whose interval crosses the bottom-group cut, in the tracker too", async () => {
    const iv = Object.values(await intervals());
    for (const r of iv) expect(r.crosses_cut).toBe(r.rank_low < r.cut_rank! && r.cut_rank! <= r.rank_high);
    expect(iv.map((r) => r.cut_rank)).toEqual(iv.map(() => 7)); // 8 ranked, ceil(0.2 * 8) = 2: ranks 7 and 8
    const tracked = await d.wh.all<{ agent_id: string; crosses_cut: boolean; in_bottom_group: boolean; uncertainty_note: string | null }>(
      "SELECT agent_id, crosses_cut, in_bottom_group, uncertainty_note FROM mart.bottom_tracker WHERE quarter = '2026-Q1' ORDER BY agent_id",
    );
    expect(tracked).toHaveLength(AGENTS.length);
    for (const t of tracked) {
      if (!t.crosses_cut) expect(t.uncertainty_note).toBeNull();
      else if (t.in_bottom_group) expect(t.uncertainty_note).toMatch(/^not distinguishable from the agents above the cut: rank \d+ to \d+ at 95%$/);
      else expect(t.uncertainty_note).toMatch(/^could be in the bottom group: rank \d+ to \d+ at 95%, the group starts at rank 7$/);
    }
    expect(tracked.some((t) => t.crosses_cut)).toBe(true);
  });
});
