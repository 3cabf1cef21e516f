/**
 * The working calendar as rows: per schedule and day, the kind of day and its working spans (minutes from local
 * midnight). China's public holidays and make-up working days (调休) come from the chinese-days package, never a
 * hand-typed list; it covers the years in CN_YEARS, and outside them a day is a weekday or a weekend only (the run
 * warns). The SQL models turn these rows into cumulative working minutes (calendar_minutes), so that a duration in
 * working time is W(t2) - W(t1).
 */
import { createRequire } from "node:module";
import { type BusinessHours, hoursOf, type Schedule, toMinutes, WEEKDAYS } from "./config.ts";

const require = createRequire(import.meta.url);
const CN = require("chinese-days/dist/chinese-days.json") as { holidays: Record<string, string>; workdays: Record<string, string> };
export const CN_VERSION = (require("chinese-days/package.json") as { version: string }).version;
const cnYears = Object.keys(CN.holidays).map((d) => Number(d.slice(0, 4)));
/** the years chinese-days knows the State Council's holiday arrangement for */
export const CN_YEARS = { first: Math.min(...cnYears), last: Math.max(...cnYears) };

export type DayKind = "workday" | "weekend" | "holiday" | "makeup" | "closure";
export interface CalendarDay {
  schedule: string;
  timezone: string;
  day: string;
  kind: DayKind;
  /** the holiday's name (English, Chinese) for holidays and make-up days */
  name: string | null;
  spans: Array<{ s: number; e: number }>;
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** Every closure day (config holidays and business_hours.closures). */
export function closureDays(bh: BusinessHours, extra: string[] = []): Set<string> {
  const out = new Set(extra);
  for (const c of bh.closures) {
    if (typeof c === "string") out.add(c);
    else for (let d = new Date(`${c.from}T00:00:00Z`); iso(d) <= c.to; d = new Date(d.getTime() + 86_400_000)) out.add(iso(d));
  }
  return out;
}

/** The kind of a day on a schedule, and the weekday whose hours it has (null: no hours). */
export function dayKind(s: Schedule, bh: BusinessHours, closures: Set<string>, day: string): { kind: DayKind; hoursOf: (typeof WEEKDAYS)[number] | null; name: string | null } {
  const weekday = WEEKDAYS[(new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7]!;
  if (closures.has(day)) return { kind: "closure", hoursOf: null, name: null };
  if (bh.holidays === "cn" && s.public_holidays) {
    const holiday = CN.holidays[day];
    if (holiday) return { kind: "holiday", hoursOf: null, name: holiday.split(",").slice(0, 2).join(",") };
    const makeup = CN.workdays[day];
    if (makeup) return { kind: "makeup", hoursOf: s.makeup_day, name: makeup.split(",").slice(0, 2).join(",") };
  }
  return { kind: weekday === "sat" || weekday === "sun" ? "weekend" : "workday", hoursOf: weekday, name: null };
}

/** The calendar rows of every schedule for the days from `from` to `to` (YYYY-MM-DD, inclusive). */
export function calendarDays(bh: BusinessHours, departmentZone: string, from: string, to: string, extraClosures: string[] = []): CalendarDay[] {
  const closures = closureDays(bh, extraClosures);
  const rows: CalendarDay[] = [];
  for (const s of bh.schedules) {
    for (let d = new Date(`${from}T00:00:00Z`); iso(d) <= to; d = new Date(d.getTime() + 86_400_000)) {
      const day = iso(d);
      const k = dayKind(s, bh, closures, day);
      const spans = k.hoursOf ? hoursOf(s, k.hoursOf).map((x) => ({ s: toMinutes(x.slice(0, 5)), e: x.slice(6) === "24:00" ? 1440 : toMinutes(x.slice(6)) })) : [];
      rows.push({ schedule: s.name, timezone: s.timezone ?? departmentZone, day, kind: k.kind, name: k.name, spans });
    }
  }
  return rows;
}

/**
 * Working days for appeal windows: a day is a working day when the department's main schedule (the first without
 * teams, else the first) has working hours on it.
 */
export function workingDayOf(bh: BusinessHours, extraClosures: string[] = []): (day: string) => boolean {
  const closures = closureDays(bh, extraClosures);
  const main = bh.schedules.find((s) => !s.teams.length) ?? bh.schedules[0]!;
  return (day) => {
    const k = dayKind(main, bh, closures, day);
    return k.hoursOf !== null && hoursOf(main, k.hoursOf).length > 0;
  };
}
