/**
 * mart.dimension_scores by example: a dimension's sub-score is the weighted mean of its indicators that have a score;
 * an indicator without one (too few responses) drops out of the mean and is counted as missing.
 */
import { expect, it } from "vitest";
import { modelRows, modelsFor, pick } from "../../../helpers/models.ts";

const indicator = (agent_id: string, dimension_id: string, indicator_id: string, weight: number, score: number | null) => ({
  scheme_id: "s", version: "v1", period_type: "quarter", period: "2026-Q1", agent_id, dimension_id, dimension_weight: 50,
  indicator_id, weight, score, effective_weight: score === null ? 0 : weight,
});

it("averages the indicators that have a score by weight, and counts the ones without", async () => {
  const given = {
    "mart.indicator_scores": [
      indicator("E1", "efficiency", "resolution_hours", 30, 80),
      indicator("E1", "efficiency", "first_response", 10, 40),
      indicator("E1", "quality", "csat", 20, 90),
      indicator("E1", "quality", "quality_audit", 20, null),
    ],
  };
  expect(modelsFor("mart.dimension_scores", Object.keys(given)).map((m) => m.name)).toEqual(["mart.dimension_scores"]);
  const rows = await modelRows("mart.dimension_scores", { given, orderBy: "agent_id, dimension_id" });
  expect(pick(rows, ["dimension_id", "score", "effective_weight", "missing_indicators"])).toEqual([
    // (30 x 80 + 10 x 40) / 40
    { dimension_id: "efficiency", score: 70, effective_weight: 40, missing_indicators: 0 },
    // only csat has a score
    { dimension_id: "quality", score: 90, effective_weight: 20, missing_indicators: 1 },
  ]);
});
