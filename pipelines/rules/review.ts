/**
 * When the review committee's decision on an agent flagged for review is due: the tracker (mart.bottom_tracker) keeps a
 * review open until a decision is recorded, and names the day it counts from (the last day of the quarter the review
 * began in) and the scheme's working days; the due date uses the department's calendar (its working days: 调休, closures, config `holidays`).
 */
import { lit, type Warehouse } from "../../core/db/warehouse.ts";
import { addWorkingDays } from "./calendar.ts";

export function reviewDue(flaggedOn: string, workingDays: number, holidays: string[] = [], isWorkingDay?: (day: string) => boolean): string {
  return addWorkingDays(flaggedOn, workingDays, holidays, isWorkingDay);
}

/** Overdue on `today` (YYYY-MM-DD): the due day has passed with no decision recorded. */
export function reviewOverdue(due: string, today: string): boolean {
  return today > due;
}

/**
 * A SQL relation (flagged_on DATE, working_days BIGINT, due DATE) of the due dates of every open review in the
 * warehouse, for the published tables to join (the calendar lives in the config, not in SQL).
 */
export async function reviewDueRelation(wh: Warehouse, holidays: string[] = [], isWorkingDay?: (day: string) => boolean): Promise<string> {
  const empty = "(SELECT NULL::DATE AS flagged_on, NULL::BIGINT AS working_days, NULL::DATE AS due WHERE false)";
  // a warehouse scored before reviews carried their day has nothing to join
  const known = await wh.value<number>(
    "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'mart' AND table_name = 'bottom_tracker' AND column_name = 'review_flagged_on'",
  );
  if (!Number(known)) return empty;
  const rows = await wh.all<{ flagged_on: string; days: number }>(
    `SELECT DISTINCT review_flagged_on::VARCHAR AS flagged_on, review_decision_working_days AS days FROM mart.bottom_tracker
     WHERE review_flagged_on IS NOT NULL ORDER BY 1, 2`,
  );
  if (!rows.length) return empty;
  const values = rows.map((r) => `(${lit(r.flagged_on)}::DATE, ${Number(r.days)}::BIGINT, ${lit(reviewDue(r.flagged_on, Number(r.days), holidays, isWorkingDay))}::DATE)`);
  return `(SELECT * FROM (VALUES ${values.join(", ")}) AS t(flagged_on, working_days, due))`;
}
