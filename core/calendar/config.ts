/**
 * Business hours (config `business_hours:`): when the department works, per team. A schedule gives the working hours
 * of each weekday in a time zone; China's public holidays and their make-up working days (调休) come from the
 * chinese-days package (holidays: cn); the department's own closures are whole days off. Business-hours metrics and the
 * appeal windows' working days read the same calendar.
 */
import { z } from "zod";
import { TimeZone } from "../config/zone.ts";

const Hhmm = /^(([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00))$/;
/** "09:00-12:00": a span of working time within a day */
export const Span = z
  .string()
  .regex(Hhmm, "a span like 09:00-18:00 (24:00 ends the day)")
  .refine((s) => toMinutes(s.slice(0, 5)) < toMinutes(s.slice(6)), "a span ends after it starts");
/** a day's working spans; [] is a day off */
const DaySpans = z.array(Span).refine((spans) => spans.every((s, i) => i === 0 || toMinutes(s.slice(0, 5)) >= toMinutes(spans[i - 1]!.slice(6))), {
  message: "list a day's spans in order, without overlaps",
});

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
const OFFICE = ["09:00-18:00"];

export const Schedule = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_-]*$/, "use lower-case letters, digits, - and _"),
  /** the teams (as the roster names them) on this schedule; the first schedule without teams is everyone else's */
  teams: z.array(z.string().min(1)).default([]),
  /** default: the department's time zone */
  timezone: TimeZone.optional(),
  hours: z
    .object({ mon: DaySpans, tue: DaySpans, wed: DaySpans, thu: DaySpans, fri: DaySpans, sat: DaySpans, sun: DaySpans })
    .partial()
    .default({}),
  /** a make-up working day (调休, usually a Saturday or Sunday) has the hours of this weekday */
  makeup_day: z.enum(WEEKDAYS).default("mon"),
  /** false for a team that works through public holidays (7x24 duty) */
  public_holidays: z.boolean().default(true),
});
export type Schedule = z.infer<typeof Schedule>;

const Closure = z.union([
  z.iso.date(),
  z.object({ from: z.iso.date(), to: z.iso.date(), reason: z.string().optional() }).refine((c) => c.from <= c.to, "from must not be after to"),
]);

export const BusinessHours = z
  .object({
    /** cn: China's public holidays and make-up working days (chinese-days); none: weekends only */
    holidays: z.enum(["cn", "none"]).default("cn"),
    /** the department's own days off (a date, or from/to), on every schedule */
    closures: z.array(Closure).default([]),
    schedules: z.array(Schedule).min(1).default([{ name: "office", teams: [], hours: {}, makeup_day: "mon", public_holidays: true }]),
    /** business-hours SLA targets per priority (sla_attainment_business): resolved within this many working hours */
    sla_hours: z.object({ urgent: z.number().positive(), high: z.number().positive(), normal: z.number().positive(), low: z.number().positive() }).partial().default({}),
  })
  .superRefine((b, ctx) => {
    const seen = new Map<string, string>();
    b.schedules.forEach((s, i) => {
      for (const t of s.teams) {
        if (seen.has(t)) ctx.addIssue({ code: "custom", path: ["schedules", i, "teams"], message: `team '${t}' is already on schedule '${seen.get(t)}'` });
        seen.set(t, s.name);
      }
    });
  });
export type BusinessHours = z.infer<typeof BusinessHours>;

export function toMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** The hours of a weekday on a schedule: given, else the office default (Monday to Friday 09:00-18:00). */
export function hoursOf(s: Schedule, day: Weekday): string[] {
  return s.hours[day] ?? (["sat", "sun"].includes(day) ? [] : OFFICE);
}
