/**
 * mart.incentives by example: the scheme's rules (a bonus at 80 or more, promotion priority after two quarters on
 * target in a row, a training offer below 60, honours for the top 1) applied to three agents' ranked quarters.
 */
import { expect, it } from "vitest";
import { modelRows, modelsFor, pick } from "../../../helpers/models.ts";

const quarter = (period: string, agent_id: string, composite: number, department_rank: number) => ({
  scheme_id: "s", version: "v1", period_type: "quarter", period, agent_id, display_name: agent_id, team: "T1", department: "Support",
  composite, grade: composite >= 80 ? "A" : "B", ranked: true, department_rank,
});

it("gives a bonus on target, promotion priority after two quarters on target in a row, training below 60 and honours to the top", async () => {
  const given = {
    "mart.rankings": [
      quarter("2026-Q1", "E1", 85, 1), quarter("2026-Q1", "E2", 70, 2), quarter("2026-Q1", "E3", 55, 3),
      quarter("2026-Q2", "E1", 88, 1), quarter("2026-Q2", "E2", 82, 2), quarter("2026-Q2", "E3", 58, 3),
    ],
    "scheme.versions": [{ scheme_id: "s", version: "v1", bonus_min_score: 80, promotion_consecutive_periods: 2, training_below_score: 60, honours_top: 1 }],
  };
  expect(modelsFor("mart.incentives", Object.keys(given)).map((m) => m.name)).toEqual(["mart.incentives"]);
  const rows = await modelRows("mart.incentives", { given, orderBy: "period, agent_id" });
  expect(pick(rows, ["period", "agent_id", "bonus_eligible", "periods_on_target", "promotion_priority", "training_offer", "honours"])).toEqual([
    { period: "2026-Q1", agent_id: "E1", bonus_eligible: true, periods_on_target: 1, promotion_priority: false, training_offer: false, honours: true },
    { period: "2026-Q1", agent_id: "E2", bonus_eligible: false, periods_on_target: 0, promotion_priority: false, training_offer: false, honours: false },
    { period: "2026-Q1", agent_id: "E3", bonus_eligible: false, periods_on_target: 0, promotion_priority: false, training_offer: true, honours: false },
    { period: "2026-Q2", agent_id: "E1", bonus_eligible: true, periods_on_target: 2, promotion_priority: true, training_offer: false, honours: true },
    { period: "2026-Q2", agent_id: "E2", bonus_eligible: true, periods_on_target: 1, promotion_priority: false, training_offer: false, honours: false },
    { period: "2026-Q2", agent_id: "E3", bonus_eligible: false, periods_on_target: 0, promotion_priority: false, training_offer: true, honours: false },
  ]);
});
