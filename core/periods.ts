/**
 * Period labels: a month 2026-09, a quarter 2026-Q3, a year 2026.
 */
import { z } from "zod";
import { msg } from "./messages.ts";

export type PeriodType = "month" | "quarter" | "year";

export function periodTypeOf(label: string): PeriodType | null {
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(label)) return "month";
  if (/^\d{4}-Q[1-4]$/.test(label)) return "quarter";
  if (/^\d{4}$/.test(label)) return "year";
  return null;
}

export const PeriodLabel = z
  .string()
  .transform((s) => s.trim().toUpperCase().replace(/^(\d{4})Q([1-4])$/, "$1-Q$2"))
  .refine((s) => periodTypeOf(s) !== null, { error: (iss) => msg.badPeriod(String(iss.input)) });
