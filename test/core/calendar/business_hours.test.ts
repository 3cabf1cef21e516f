/**
 * Business hours (issue 11, "What a department needs"): working time per team schedule, China's public holidays with
 * their make-up working days (调休) from chinese-days, and the department's closures; computed in SQL from the calendar
 * table as W(t2) - W(t1). Tested across the 2026 Spring Festival (holiday 15-23 February; make-up Saturdays 14 and
 * 28 February). The appeal window's working days use the same calendar.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BusinessHours } from "../../../core/calendar/config.ts";
import { CN_YEARS, calendarDays, workingDayOf } from "../../../core/calendar/days.ts";
import { AppConfig } from "../../../core/config/app.ts";
import { addWorkingDays } from "../../../pipelines/rules/calendar.ts";
import { runModels } from "../../../pipelines/run.ts";
import { loadSchemes } from "../../../pipelines/scheme/load.ts";
import { buildDepartment, type Department } from "../../helpers/department.ts";
import { TZ, tempDir } from "../../helpers/warehouse.ts";

const hours = BusinessHours.parse({
  closures: [{ from: "2026-03-02", to: "2026-03-02", reason: "offsite" }],
  schedules: [
    { name: "office", hours: { mon: ["09:00-12:00", "13:00-18:00"], tue: ["09:00-12:00", "13:00-18:00"], wed: ["09:00-12:00", "13:00-18:00"], thu: ["09:00-12:00", "13:00-18:00"], fri: ["09:00-12:00", "13:00-18:00"] } },
    { name: "duty", teams: ["L2"], public_holidays: false, hours: { mon: ["00:00-24:00"], tue: ["00:00-24:00"], wed: ["00:00-24:00"], thu: ["00:00-24:00"], fri: ["00:00-24:00"], sat: ["00:00-24:00"], sun: ["00:00-24:00"] } },
  ],
  sla_hours: { normal: 8 },
});

describe("the calendar", () => {
  it("knows the Spring Festival and its make-up Saturdays from chinese-days, and closures", () => {
    const days = calendarDays(hours, TZ, "2026-02-13", "2026-03-02").filter((d) => d.schedule === "office");
    const kind = Object.fromEntries(days.map((d) => [d.day, d.kind]));
    expect(kind["2026-02-13"]).toBe("workday");
    expect(kind["2026-02-14"]).toBe("makeup"); // a Saturday worked instead
    for (let d = 15; d <= 23; d++) expect(kind[`2026-02-${d}`]).toBe("holiday");
    expect(kind["2026-02-28"]).toBe("makeup");
    expect(kind["2026-03-01"]).toBe("weekend");
    expect(kind["2026-03-02"]).toBe("closure");
    // a make-up day has Monday's hours (makeup_day)
    expect(days.find((d) => d.day === "2026-02-14")?.spans).toEqual([{ s: 540, e: 720 }, { s: 780, e: 1080 }]);
    expect(CN_YEARS.first).toBeLessThanOrEqual(2026);
    expect(CN_YEARS.last).toBeGreaterThanOrEqual(2026);
  });

  it("counts the appeal window in the same working days", () => {
    const working = workingDayOf(hours);
    // published Thursday 12 February: Fri 13, Sat 14 (make-up), then Tue 24 to Thu 26 after the holiday
    expect(addWorkingDays("2026-02-12", 5, [], working)).toBe("2026-02-26");
    // the config's holidays are closures too
    expect(addWorkingDays("2026-02-24", 2, [], workingDayOf(hours, ["2026-02-25"]))).toBe("2026-02-27");
  });

  it("rejects a schedule it cannot read, naming the field", () => {
    const r = AppConfig.safeParse({ business_hours: { schedules: [{ name: "office", hours: { mon: ["9-18"] } }] } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path.join(".")).toBe("business_hours.schedules.0.hours.mon.0");
    expect(r.error?.issues[0]?.message).toMatch(/a span like 09:00-18:00/);
  });
});

describe("business-hours metrics across the Spring Festival", () => {
  let d: Department;
  let cleanup: () => void;
  let warnings: string[];
  beforeAll(async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    writeFileSync(
      path.join(t.dir, "bh.yaml"),
      `id: bh
name: { en: Business hours }
period_types: [month]
versions:
  - version: "1"
    effective_from: 2026-01-01
    ranking: { min_tickets: { month: 1 }, min_weight_present: 10 }
    grades: [{ grade: A, min: 0, name: { en: A } }]
    dimensions:
      - id: speed
        name: { en: Speed }
        weight: 100
        indicators:
          - { id: frt, name: { en: First response }, metric: first_response_business_minutes_median, weight: 40, scoring: { method: target, floor: 480, target: 30 } }
          - { id: res, name: { en: Resolution }, metric: resolution_business_hours_median, weight: 30, scoring: { method: target, floor: 40, target: 4 } }
          - { id: sla, name: { en: SLA }, metric: sla_attainment_business, weight: 30, scoring: { method: target, floor: 0.5, target: 1 } }
`,
    );
    d = await buildDepartment(
      {
        roster: {
          header: ["agent_id", "display_name", "team", "department", "hire_date"],
          rows: [
            ["A1", "Ann", "L1", "Support", "2020-01-01"],
            ["A2", "Bo", "L2", "Support", "2020-01-01"],
          ],
        },
        tickets: {
          header: ["ticket_id", "created_at", "first_response_at", "resolved_at", "status", "priority", "assignee_id"],
          rows: [
            // Friday 17:00 before the festival; answered on the make-up Saturday; resolved on the first day back
            ["T-1", "2026-02-13 17:00:00", "2026-02-14 10:00:00", "2026-02-24 10:00:00", "resolved", "normal", "A1"],
            // the 7x24 duty team works through it
            ["T-2", "2026-02-13 17:00:00", "2026-02-13 17:30:00", "2026-02-14 17:00:00", "resolved", "normal", "A2"],
            // Friday 17:30 over the second make-up Saturday, a Sunday and the department's closure on Monday 2 March
            ["T-3", "2026-02-27 17:30:00", "2026-02-27 17:40:00", "2026-03-03 09:30:00", "resolved", "normal", "A1"],
          ],
        },
      },
      t.dir,
    );
    warnings = (await runModels(d.wh, loadSchemes(t.dir), undefined, undefined, { businessHours: hours, timezone: TZ, closures: [] })).warnings;
  });
  afterAll(() => {
    d?.done();
    cleanup?.();
  });

  it("measures each ticket in working time on its team's schedule", async () => {
    const rows = await d.wh.all<{ ticket_id: string; frt: number; hours: number; met: boolean }>(
      `SELECT ticket_id, first_response_business_minutes AS frt, resolution_business_hours AS hours, sla_met_business AS met
       FROM mart.ticket_business_times ORDER BY ticket_id`,
    );
    expect(rows).toEqual([
      // Fri 17:00-18:00 (60) + make-up Sat 09:00-10:00 (60); resolution: 60 + a whole make-up Saturday (480) + Tue 09:00-10:00 (60)
      { ticket_id: "T-1", frt: 120, hours: 10, met: false },
      { ticket_id: "T-2", frt: 30, hours: 24, met: false },
      // Fri 17:30-18:00 (30) + Sat 28 (480) + Sun (0) + the closure (0) + Tue 09:00-09:30 (30)
      { ticket_id: "T-3", frt: 10, hours: 9, met: false },
    ]);
  });

  it("scores the business-hours indicators from them", async () => {
    const m = await d.wh.all<{ metric: string; value: number }>(
      "SELECT metric, value FROM mart.agent_metrics WHERE agent_id = 'A1' AND period = '2026-02' AND metric LIKE '%business%' ORDER BY metric",
    );
    expect(m).toEqual([
      { metric: "first_response_business_minutes_median", value: 65 },
      { metric: "resolution_business_hours_median", value: 10 }, // T-3 is resolved in March
      { metric: "sla_attainment_business", value: 0 },
    ]);
    expect(warnings).toEqual([]);
  });
});
