/**
 * Tickets held (METRICS.md, resolution_rate: tickets the agent held open at any time in the period), including a
 * quarter and a year still in progress, whose last month has no data yet.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildDepartment, type Department } from "../../../helpers/department.ts";

let d: Department;

beforeAll(async () => {
  const header = ["ticket_id", "created_at", "resolved_at", "status", "priority", "assignee_id"];
  d = await buildDepartment({
    roster: { header: ["agent_id", "display_name", "team", "department", "hire_date"], rows: [["A1", "Ann", "T1", "Support", "2025-01-01"]] },
    tickets: {
      header,
      rows: [
        ["T1", "2026-07-03 09:00:00", "2026-07-03 12:00:00", "resolved", "normal", "A1"], // July only
        ["T2", "2026-07-30 09:00:00", "2026-08-02 12:00:00", "resolved", "normal", "A1"], // July and August
        ["T3", "2026-09-29 09:00:00", "2026-10-02 12:00:00", "resolved", "normal", "A1"], // Q3 and Q4
        ["T4", "2026-10-05 09:00:00", null, "open", "normal", "A1"], // still open in October
        ["T5", "2026-10-06 09:00:00", "2026-10-06 10:00:00", "resolved", "normal", "A1"],
      ],
    },
  });
});

afterAll(() => d?.done());

it("counts every ticket held at any time in the period, for complete periods and those in progress", async () => {
  const rows = await d.wh.all<{ period: string; value: number }>(
    "SELECT period, value FROM mart.agent_metrics WHERE agent_id = 'A1' AND metric = 'tickets_held' ORDER BY period",
  );
  expect(rows).toEqual([
    { period: "2026", value: 5 },
    { period: "2026-07", value: 2 },
    { period: "2026-08", value: 1 },
    { period: "2026-09", value: 1 },
    { period: "2026-10", value: 3 },
    { period: "2026-Q3", value: 3 },
    { period: "2026-Q4", value: 3 },
  ]);
  const rate = await d.wh.value<number>("SELECT value FROM mart.agent_metrics WHERE agent_id = 'A1' AND period = '2026-Q4' AND metric = 'resolution_rate'");
  expect(rate).toBeCloseTo(2 / 3, 12);
});

it("holds the same tickets as the per-ticket view the workload models read", async () => {
  const diff = await d.wh.all(
    `SELECT m.period, m.value, count(t.ticket_id) AS tickets FROM mart.agent_metrics m
     LEFT JOIN mart.ticket_periods t USING (period_type, period, agent_id)
     WHERE m.metric = 'tickets_held' GROUP BY ALL HAVING m.value <> count(t.ticket_id)`,
  );
  expect(diff).toEqual([]);
});
