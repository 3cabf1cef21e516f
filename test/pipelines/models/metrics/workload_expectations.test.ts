/**
 * The workload-mix model (workload_expectations, agent_workload, the *_vs_expected metrics) on a crafted department
 * of four equally skilled agents, one on an easy queue, one on a hard queue, two mixed (test/helpers/queues.ts).
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDepartment, type Department } from "../../../helpers/department.ts";
import { MULTIPLIERS, queues } from "../../../helpers/queues.ts";

/** two schemes ranking on resolution speed alone: raw-speed (median hours) and mix-speed (time vs expected) */
const SCHEMES = path.join(import.meta.dirname, "..", "..", "..", "fixtures", "workload", "scheme");

let d: Department;
beforeAll(async () => {
  d = await buildDepartment(queues(60), SCHEMES);
});
afterAll(() => d?.done());

const meanLog = (base: number) => MULTIPLIERS.reduce((a, m) => a + Math.log(base * m), 0) / MULTIPLIERS.length;

describe("expected hours", () => {
  it("are the kind's geometric mean, each level shrunk toward the one above with 30 tickets of prior weight", async () => {
    const easy = meanLog(2);
    const hard = meanLog(20);
    const department = (easy + hard) / 2;
    // one priority and one channel: the category, category x priority and kind cells hold the same 120 tickets
    let expected = department;
    for (let level = 0; level < 3; level++) expected = (120 * easy + 30 * expected) / 150;
    const row = await d.wh.one<{ expected_log_hours: number; tickets_resolved: number; fit_from: string }>(
      `SELECT expected_log_hours, tickets_resolved, fit_from::VARCHAR AS fit_from FROM mart.workload_expectations
       WHERE period = '2026-Q1' AND category = 'how_to' AND priority = 'normal' AND channel = 'email'`,
    );
    expect(row?.tickets_resolved).toBe(120);
    expect(row?.fit_from).toBe("2026-01-01"); // the window reaches back 12 months, but the data starts in January
    expect(row?.expected_log_hours).toBeCloseTo(expected, 9);
  });

  it("give each ticket its kind's expectation (the management build's drill-down)", async () => {
    const rows = await d.wh.all<{ category: string; tickets: number; hours: number }>(
      `SELECT category, count(*) AS tickets, round(any_value(expected_hours), 6) AS hours FROM mart.ticket_expectations
       WHERE period = '2026-Q1' GROUP BY category ORDER BY category`,
    );
    expect(rows.map((r) => [r.category, r.tickets])).toEqual([
      ["database", 120],
      ["how_to", 120],
    ]);
    expect(rows[0]!.hours).toBeGreaterThan(5 * rows[1]!.hours);
  });
});

describe("observed against expected", () => {
  const metric = (m: string) =>
    d.wh.all<{ agent_id: string; value: number; numerator: number; denominator: number; n: number }>(
      "SELECT agent_id, value, numerator, denominator, n FROM mart.agent_metrics WHERE period = '2026-Q1' AND metric = $m ORDER BY agent_id",
      { m },
    );

  it("puts equally skilled agents level, where the raw median time puts the hard queue ten times slower", async () => {
    const raw = Object.fromEntries((await metric("resolution_hours_median")).map((r) => [r.agent_id, r.value]));
    expect(raw.HARD! / raw.EASY!).toBeCloseTo(10, 6);
    const ratio = Object.fromEntries((await metric("resolution_time_vs_expected")).map((r) => [r.agent_id, r.value]));
    for (const v of Object.values(ratio)) expect(Math.abs(Math.log(v))).toBeLessThan(0.02);
    expect(Math.abs(Math.log(ratio.HARD! / ratio.EASY!))).toBeLessThan(0.03);
  });

  it("counts resolved and SLA-met tickets against their odds", async () => {
    const rows = await metric("resolution_vs_expected");
    expect(rows.map((r) => [r.agent_id, r.numerator, r.n])).toEqual([
      ["EASY", 60, 60],
      ["HARD", 60, 60],
      ["MIX1", 60, 60],
      ["MIX2", 60, 60],
    ]);
    for (const r of rows) expect(r.value).toBeCloseTo(1, 9);
    expect(await metric("sla_vs_expected")).toEqual([]); // no ticket has an SLA: no value, not 0
  });
});

describe("ranking equally skilled agents", () => {
  const interval = (scheme: string, agent: string) =>
    d.wh.one<{ department_rank: number; rank_low: number; rank_high: number; composite: number; composite_low: number; composite_high: number }>(
      `SELECT department_rank, rank_low, rank_high, composite, composite_low, composite_high FROM mart.rank_intervals
       WHERE scheme_id = $s AND period = '2026-Q1' AND agent_id = $a`,
      { s: scheme, a: agent },
    );

  it("the raw median puts the hard queue last, beyond the noise", async () => {
    const easy = (await interval("raw-speed", "EASY"))!;
    const hard = (await interval("raw-speed", "HARD"))!;
    expect([easy.department_rank, hard.department_rank]).toEqual([1, 4]);
    expect(easy.rank_high).toBeLessThan(hard.rank_low); // the intervals do not overlap
    expect(easy.composite_low).toBeGreaterThan(hard.composite_high);
  });

  it("the workload-mix ratio ranks them within noise", async () => {
    const easy = (await interval("mix-speed", "EASY"))!;
    const hard = (await interval("mix-speed", "HARD"))!;
    // each one's composite lies inside the other's interval, and their rank intervals overlap
    expect(hard.composite).toBeGreaterThanOrEqual(easy.composite_low);
    expect(hard.composite).toBeLessThanOrEqual(easy.composite_high);
    expect(easy.composite).toBeGreaterThanOrEqual(hard.composite_low);
    expect(easy.composite).toBeLessThanOrEqual(hard.composite_high);
    expect(easy.rank_low).toBeLessThanOrEqual(hard.rank_high);
    expect(hard.rank_low).toBeLessThanOrEqual(easy.rank_high);
    expect(Math.abs(easy.composite - hard.composite)).toBeLessThan(3);
  });
});
