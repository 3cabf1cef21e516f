/**
 * agent_cells rolls quarters and years up from agent_month_cells: a quarter's held tickets are its first month's
 * held plus the tickets created in its other months; every other count and sum adds up over the months. Here on
 * tickets that cross month, quarter and year ends, stay open, and start in the middle of a quarter, against the
 * tickets of each period counted again from the per-ticket view (mart.ticket_periods).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildDepartment, type Department } from "../../../helpers/department.ts";

let d: Department;

beforeAll(async () => {
  const header = ["ticket_id", "created_at", "resolved_at", "status", "priority", "category", "channel", "assignee_id"];
  d = await buildDepartment({
    roster: {
      header: ["agent_id", "display_name", "team", "department", "hire_date"],
      rows: [
        ["A1", "Ann", "T1", "Support", "2025-01-01"],
        ["A2", "Bo", "T1", "Support", "2025-01-01"],
      ],
    },
    tickets: {
      header,
      rows: [
        // the data starts in August: the third quarter's first month has no tickets
        ["T1", "2025-08-04 09:00:00", "2025-08-04 11:00:00", "resolved", "normal", "how_to", "email", "A1"], // 2 hours, August
        ["T2", "2025-08-28 09:00:00", "2025-09-03 09:00:00", "resolved", "normal", "how_to", "email", "A1"], // August and September
        ["T3", "2025-09-30 20:00:00", "2025-10-01 10:00:00", "resolved", "high", "how_to", "email", "A1"], // across the quarters
        ["T4", "2025-12-30 09:00:00", "2026-01-06 09:00:00", "resolved", "normal", "database", "web", "A1"], // across the years
        ["T5", "2025-11-10 09:00:00", null, "open", "normal", "how_to", "email", "A1"], // open from November on
        ["T6", "2025-11-12 09:00:00", "2025-11-12 09:00:30", "resolved", "normal", "how_to", "email", "A1"], // 30 s: floored at a minute
        ["T7", "2026-02-02 09:00:00", "2026-02-02 13:00:00", "resolved", "low", "database", "web", "A2"],
        ["T8", "2026-01-15 09:00:00", "2026-03-20 09:00:00", "resolved", "low", "database", "web", "A2"], // three months
        ["T9", "2026-03-25 09:00:00", null, "open", "low", "database", "web", "A2"],
      ],
    },
  });
});

afterAll(() => d?.done());

/** the cells counted straight from the tickets of each period, the rule agent_cells had before the roll-up */
const RECOUNT = `
  select period_type, period, agent_id, category, priority, channel,
      count(*) as held,
      count_if(resolved_in_period) as resolved,
      sum(cast(ln(greatest(resolution_hours, 1.0 / 60)) as decimal(18, 9))) filter (where resolution_hours is not null) as sum_log_hours,
      sum(cast(pow(ln(greatest(resolution_hours, 1.0 / 60)), 2) as decimal(18, 9))) filter (where resolution_hours is not null) as sum_sq_log_hours,
      count(sla_met) as sla_n,
      count_if(sla_met) as sla_met
  from mart.ticket_periods
  group by all`;
const CELLS = "select period_type, period, agent_id, category, priority, channel, held, resolved, sum_log_hours, sum_sq_log_hours, sla_n, sla_met from mart.agent_cells";

it("rolls quarters and years up from months into the same cells as counting each period's tickets again", async () => {
  const diff = await d.wh.all(`(${CELLS} except all ${RECOUNT}) union all (${RECOUNT} except all ${CELLS})`);
  expect(diff).toEqual([]);
  const periods = await d.wh.all<{ period_type: string; n: number }>("select period_type, count(distinct period)::INTEGER as n from mart.agent_cells group by all order by 1");
  expect(periods).toEqual([
    { period_type: "month", n: 8 },
    { period_type: "quarter", n: 3 },
    { period_type: "year", n: 2 },
  ]);
});

it("holds a ticket once in a quarter and a year, however many of their months it was open in", async () => {
  const held = await d.wh.all<{ period: string; held: number; resolved: number }>(
    "select period, held::INTEGER as held, resolved::INTEGER as resolved from mart.agent_cells where agent_id = 'A1' and category = 'how_to' and priority = 'normal' order by period",
  );
  expect(held).toEqual([
    { period: "2025", held: 4, resolved: 3 }, // T1, T2, T5, T6
    { period: "2025-08", held: 2, resolved: 1 },
    { period: "2025-09", held: 1, resolved: 1 },
    { period: "2025-11", held: 2, resolved: 1 },
    { period: "2025-12", held: 1, resolved: 0 }, // T5 still open
    { period: "2025-Q3", held: 2, resolved: 2 },
    { period: "2025-Q4", held: 2, resolved: 1 },
    { period: "2026", held: 1, resolved: 0 }, // T5, open since November
    { period: "2026-01", held: 1, resolved: 0 },
    { period: "2026-02", held: 1, resolved: 0 },
    { period: "2026-03", held: 1, resolved: 0 },
    { period: "2026-Q1", held: 1, resolved: 0 },
  ]);
});

it("sums the log hours of resolved tickets only: an open ticket is not a one-minute resolution", async () => {
  const r = await d.wh.one<{ sum_log_hours: number | null; resolved: number }>(
    "select sum_log_hours::DOUBLE as sum_log_hours, resolved::INTEGER as resolved from mart.agent_cells where agent_id = 'A1' and period = '2025-08' and category = 'how_to' and priority = 'normal'",
  );
  expect(r).toEqual({ sum_log_hours: expect.closeTo(Math.log(2), 9), resolved: 1 }); // T1's 2 hours; T2 still open
  const open = await d.wh.one<{ sum_log_hours: number | null }>(
    "select sum_log_hours from mart.agent_cells where agent_id = 'A1' and period = '2025-12' and category = 'how_to' and priority = 'normal'",
  );
  expect(open).toEqual({ sum_log_hours: null }); // nothing resolved: no hours, not ln(1 minute)
  const minute = await d.wh.one<{ sum_log_hours: number }>(
    "select sum_log_hours::DOUBLE as sum_log_hours from mart.agent_cells where agent_id = 'A1' and period = '2025-11' and category = 'how_to' and priority = 'normal'",
  );
  expect(minute!.sum_log_hours).toBeCloseTo(Math.log(1 / 60), 9); // T6's 30 seconds count as a minute
});
