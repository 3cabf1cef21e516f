/**
 * The calibration view (mart.calibration): each team's score distribution beside the rest of the department, with the
 * team effect and its Welch interval, worked out by hand on the crafted four-agent department.
 */
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildDepartment, type Department } from "../../../helpers/department.ts";
import { queues } from "../../../helpers/queues.ts";

const SCHEMES = path.join(import.meta.dirname, "..", "..", "..", "fixtures", "workload", "scheme");

let d: Department;
beforeAll(async () => {
  d = await buildDepartment(queues(60), SCHEMES);
});
afterAll(() => d?.done());

/** the model's expansion of Student's 97.5% quantile (macros.sql, t975) */
const t975 = (df: number) => {
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2) + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3);
};

it("compares each team with the rest of the department, with a Welch interval", async () => {
  const composites = Object.fromEntries(
    (await d.wh.all<{ agent_id: string; composite: number }>("SELECT agent_id, composite FROM mart.rankings WHERE scheme_id = 'raw-speed' AND period = '2026-Q1'")).map(
      (r) => [r.agent_id, r.composite],
    ),
  );
  const team = [composites.HARD!, composites.MIX2!]; // Escalations
  const rest = [composites.EASY!, composites.MIX1!]; // Frontline
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = (xs: number[]) => xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1);
  const se = Math.sqrt(variance(team) / 2 + variance(rest) / 2);
  const df = (variance(team) / 2 + variance(rest) / 2) ** 2 / ((variance(team) / 2) ** 2 + (variance(rest) / 2) ** 2);
  const row = await d.wh.one<{ agents: number; rest_agents: number; mean_score: number; rest_mean: number; effect: number; effect_low: number; effect_high: number; median_score: number }>(
    "SELECT * FROM mart.calibration WHERE scheme_id = 'raw-speed' AND period = '2026-Q1' AND team = 'Escalations' AND measure_id = 'composite'",
  );
  expect(row).toMatchObject({ agents: 2, rest_agents: 2 });
  expect(row!.mean_score).toBeCloseTo(mean(team), 9);
  expect(row!.median_score).toBeCloseTo(mean(team), 9);
  expect(row!.effect).toBeCloseTo(mean(team) - mean(rest), 9);
  expect(row!.effect_low).toBeCloseTo(mean(team) - mean(rest) - t975(df) * se, 9);
  expect(row!.effect_high).toBeCloseTo(mean(team) - mean(rest) + t975(df) * se, 9);
});

it("has a row per team for the composite, each dimension and each indicator", async () => {
  const rows = await d.wh.all<{ team: string; measure_kind: string; measure_id: string }>(
    "SELECT team, measure_kind, measure_id FROM mart.calibration WHERE scheme_id = 'mix-speed' AND period = '2026-Q1' ORDER BY ALL",
  );
  expect(rows).toEqual(
    ["Escalations", "Frontline"].flatMap((team) => [
      { team, measure_kind: "composite", measure_id: "composite" },
      { team, measure_kind: "dimension", measure_id: "speed" },
      { team, measure_kind: "indicator", measure_id: "speed" },
    ]),
  );
});
