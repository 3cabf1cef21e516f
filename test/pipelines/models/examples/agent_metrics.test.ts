/**
 * mart.agent_metrics by example: three resolved tickets of one agent in January 2026 (one reopened, one over its SLA),
 * given as int.tickets_credited rows (credited, as the intermediate model writes them), and E2, active with none; the other sources are given empty, so only this model is built.
 * Each metric is a row with its value, its sample and the inputs behind it. Missing is not zero: E2 resolved 0 tickets
 * (a count), but has no reopen rate (a rate needs events).
 */
import { expect, it } from "vitest";
import { modelRows, modelsFor, pick } from "../../../helpers/models.ts";

const ticket = (ticket_id: string, resolved_at: string, resolution_hours: number, reopened: boolean, sla_met: boolean) => ({
  ticket_id, resolver_id: "E1", responder_id: "E1", created_at: "2026-01-05 09:00:00+08", resolved_at,
  resolution_hours, resolution_ms: resolution_hours * 3_600_000, reopened, sla_met,
});

// every other table the model reads: none of these sources has rows in the example
const NOTHING_ELSE = Object.fromEntries(
  ["int.csat_credited", "int.quality_audits_corrected", "stg.certifications", "stg.collab_survey", "stg.contributions", "stg.trainings", "stg.reviews_360",
    "mart.agent_360_groups", "mart.ticket_business_times", "mart.agent_workload", "mart.agent_tickets_held", "mart.periods"].map((t) => [t, []]),
);

const PERIODS = [["month", "2026-01"], ["quarter", "2026-Q1"], ["year", "2026"]];

it("counts resolved tickets, the reopen rate and the median resolution time per period", async () => {
  const given = {
    "int.tickets_credited": [
      ticket("T1", "2026-01-05 11:00:00+08", 2, false, true),
      ticket("T2", "2026-01-06 15:00:00+08", 6, true, true),
      ticket("T3", "2026-01-20 18:00:00+08", 10, false, false),
    ],
    // who was active when, and that the department has tickets then (a count is 0 only where the source is measured)
    "mart.agent_periods": ["E1", "E2"].flatMap((agent_id) => PERIODS.map(([period_type, period]) => ({ period_type, period, agent_id }))),
    "mart.source_coverage": PERIODS.map(([period_type, period]) => ({ period_type, period, source_table: "tickets", measured: true })),
    ...NOTHING_ELSE,
  };
  expect(modelsFor("mart.agent_metrics", Object.keys(given)).map((m) => m.name)).toEqual(["mart.agent_metrics"]);
  const rows = await modelRows("mart.agent_metrics", { given, orderBy: "agent_id, period_type, period, metric" });
  const month = rows.filter((r) => r.period === "2026-01" && r.agent_id === "E1" && ["tickets_resolved", "reopen_rate", "resolution_hours_median", "sla_attainment"].includes(r.metric as string));
  expect(pick(month, ["metric", "value", "n", "numerator", "denominator"])).toEqual([
    { metric: "reopen_rate", value: 1 / 3, n: 3, numerator: 1, denominator: 3 },
    { metric: "resolution_hours_median", value: 6, n: 3, numerator: null, denominator: null },
    { metric: "sla_attainment", value: 2 / 3, n: 3, numerator: 2, denominator: 3 },
    { metric: "tickets_resolved", value: 3, n: 3, numerator: null, denominator: null },
  ]);
  // the same tickets make up the quarter and the year; E2 resolved none (0), and has no rate at all
  expect(rows.filter((r) => r.metric === "tickets_resolved").map((r) => [r.agent_id, r.period, r.value])).toEqual([
    ["E1", "2026-01", 3],
    ["E1", "2026-Q1", 3],
    ["E1", "2026", 3],
    ["E2", "2026-01", 0],
    ["E2", "2026-Q1", 0],
    ["E2", "2026", 0],
  ]);
  expect(rows.filter((r) => r.agent_id === "E2" && r.value !== 0)).toEqual([]);
});
