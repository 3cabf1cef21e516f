/**
 * mart.rankings by example: five agents' composites in one quarter, built from the rows below (nothing ingested).
 * Ties share a rank ("1, 2, 2, 4"), an agent with too few tickets is listed but not ranked, and with a bottom share
 * of 20% of 4 ranked agents the cut is the lowest score: the agent there is in the bottom group.
 */
import { expect, it } from "vitest";
import { modelRows, modelsFor, pick } from "../../../helpers/models.ts";

const score = (agent_id: string, composite: number, tickets_resolved = 40) => ({
  scheme_id: "s", version: "v1", period_type: "quarter", period: "2026-Q1", agent_id, department: "Support", team: agent_id === "E4" ? "T2" : "T1",
  composite, tickets_resolved, enough_tickets: tickets_resolved >= 30, weight_present: 100,
});

it("ranks ties alike, lists an agent with too few tickets unranked, and cuts the bottom group at the lowest score", async () => {
  const rows = await modelRows("mart.rankings", {
    given: {
      "mart.agent_scores": [score("E1", 91.5), score("E2", 80), score("E3", 80), score("E4", 62.25), score("E5", 99, 12)],
      "mart.scheme_periods": [
        { scheme_id: "s", version: "v1", period_type: "quarter", period: "2026-Q1", min_tickets: 30, min_weight_present: 60, bottom_share: 0.2, bottom_min_population: 4, is_complete: true },
      ],
      "mart.agent_periods": ["E1", "E2", "E3", "E4", "E5"].map((agent_id) => ({ period_type: "quarter", period: "2026-Q1", agent_id, display_name: `Agent ${agent_id}`, tenure_months: 24 })),
      "mart.source_coverage": [],
      "scheme.indicators": [],
    },
    orderBy: "agent_id",
  });
  // only mart.rankings is built: everything it reads is given
  expect(modelsFor("mart.rankings", ["mart.agent_scores", "mart.scheme_periods", "mart.agent_periods", "mart.source_coverage"]).map((m) => m.name)).toEqual([
    "mart.rankings",
  ]);
  // given less, the models upstream are built first, in dependency order
  expect(modelsFor("mart.rankings", ["mart.indicator_scores", "mart.scheme_periods", "mart.agent_periods", "mart.source_coverage"]).map((m) => m.name)).toEqual([
    "mart.agent_scores",
    "mart.rankings",
  ]);
  const upstream = modelsFor("mart.rankings", ["mart.indicator_scores", "mart.scheme_periods", "mart.agent_periods"]).map((m) => m.name);
  expect(upstream.indexOf("stg.tickets")).toBeLessThan(upstream.indexOf("mart.source_coverage"));
  expect(upstream.indexOf("mart.source_coverage")).toBeLessThan(upstream.indexOf("mart.rankings"));
  expect(pick(rows, ["agent_id", "ranked", "department_rank", "department_ranked", "team_rank", "in_bottom_group", "not_ranked_reason"])).toEqual([
    { agent_id: "E1", ranked: true, department_rank: 1, department_ranked: 4, team_rank: 1, in_bottom_group: false, not_ranked_reason: null },
    { agent_id: "E2", ranked: true, department_rank: 2, department_ranked: 4, team_rank: 2, in_bottom_group: false, not_ranked_reason: null },
    { agent_id: "E3", ranked: true, department_rank: 2, department_ranked: 4, team_rank: 2, in_bottom_group: false, not_ranked_reason: null },
    { agent_id: "E4", ranked: true, department_rank: 4, department_ranked: 4, team_rank: 1, in_bottom_group: true, not_ranked_reason: null },
    {
      agent_id: "E5", ranked: false, department_rank: null, department_ranked: null, team_rank: null, in_bottom_group: null,
      not_ranked_reason: "12 resolved tickets; ranking needs at least 30 in a quarter",
    },
  ]);
});
