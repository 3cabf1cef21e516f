/** An IANA time zone (config timezone, a business-hours schedule's zone). */
import { z } from "zod";

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const TimeZone = z
  .string()
  .refine(isTimeZone, { message: "not an IANA time zone (for example Asia/Shanghai or Europe/Berlin)" });
