/**
 * Working days for appeal windows: the department's calendar (core/calendar/days.ts, workingDayOf: its main
 * schedule, China's public holidays with their make-up working days, closures); without one, Monday to Friday minus
 * the given holidays.
 */

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** The date `n` working days after `from` (YYYY-MM-DD; the day of publication does not count). */
export function addWorkingDays(from: string, n: number, holidays: string[] = [], isWorkingDay?: (day: string) => boolean): string {
  const off = new Set(holidays);
  let d = new Date(`${from}T00:00:00Z`);
  let left = n;
  while (left > 0) {
    d = new Date(d.getTime() + 86_400_000);
    const dow = d.getUTCDay();
    if (isWorkingDay ? isWorkingDay(iso(d)) : dow !== 0 && dow !== 6 && !off.has(iso(d))) left--;
  }
  return iso(d);
}

/** Today's date (YYYY-MM-DD) in a time zone, from an instant. */
export function localDate(instant: Date, timezone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" }).format(instant);
}
