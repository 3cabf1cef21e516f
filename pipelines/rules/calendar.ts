/**
 * Working days for appeal windows: Monday to Friday, minus the department's holidays (config `holidays`).
 */

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** The date `n` working days after `from` (YYYY-MM-DD; the day of publication does not count). */
export function addWorkingDays(from: string, n: number, holidays: string[] = []): string {
  const off = new Set(holidays);
  let d = new Date(`${from}T00:00:00Z`);
  let left = n;
  while (left > 0) {
    d = new Date(d.getTime() + 86_400_000);
    const dow = d.getUTCDay();
    if (dow !== 0 && dow !== 6 && !off.has(iso(d))) left--;
  }
  return iso(d);
}

/** Today's date (YYYY-MM-DD) in a time zone, from an instant. */
export function localDate(instant: Date, timezone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" }).format(instant);
}
