// Number formats, shared by every board so that a number reads the same everywhere and the same as
// `appraisal explain` prints it (integers as they are, others with a fixed number of decimals). Words and units
// come from the catalogue (i18n.js).
import { labels } from "./i18n.js";

export function fmt(x, digits = 2) {
  if (x === null || x === undefined || Number.isNaN(x)) return "-";
  return Number.isInteger(x) ? String(x) : x.toFixed(digits);
}

/** A change with its sign: +1.2, -0.4, 0.0 */
export function signed(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return "-";
  const s = x.toFixed(digits);
  return x > 0 && Number(s) !== 0 ? `+${s}` : s;
}

export function pct(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return "-";
  return `${(100 * x).toFixed(digits)}%`;
}

/**
 * A metric's value as a reader reads it: a share as a percentage, a ratio as "0.87×", times and counts with their unit
 * in the build's language (`t` is labels(lang), or a language code).
 */
export function formatValue(v, metricKind, unit, t = "en") {
  if (v === null || v === undefined || Number.isNaN(v)) return "-";
  const { unit: u } = typeof t === "string" ? labels(t) : t;
  switch (metricKind) {
    case "proportion":
      return pct(v);
    case "ratio":
      return `${fmt(v, 3)}×`;
    case "rate100":
      return `${fmt(v)} ${u("per 100 tickets")}`.trim();
    default: {
      const w = unit ? u(unit) : "";
      return w ? `${fmt(v)} ${w}` : fmt(v);
    }
  }
}

/**
 * The sentence naming the raw inputs behind an indicator's value: in English the same words as
 * `appraisal explain`, in Chinese the same numbers in Chinese words. `t` is labels(lang) (units from the catalogue).
 */
export function describeInputs(i, metricKind, unit, lang = "en", observed = "observed", t = labels(lang)) {
  const zh = lang === "zh-CN";
  if (i.raw_value === null || i.raw_value === undefined) return zh ? "无数据" : "no data";
  const u = t.unit(unit);
  switch (metricKind) {
    case "count":
    case "sum":
      return `${fmt(i.raw_value)} ${u}`;
    case "proportion":
      return zh
        ? `${fmt(i.denominator, 0)} 中 ${fmt(i.numerator, 0)} = ${(100 * i.raw_value).toFixed(1)}%`
        : `${fmt(i.numerator, 0)} of ${fmt(i.denominator, 0)} = ${(100 * i.raw_value).toFixed(1)}%`;
    case "rate100":
      return zh
        ? `已解决 ${fmt(i.denominator, 0)} 张中投诉 ${fmt(i.numerator, 0)} 次 = 每 100 张 ${fmt(i.raw_value)} 次`
        : `${fmt(i.numerator, 0)} in ${fmt(i.denominator, 0)} resolved = ${fmt(i.raw_value)} per 100`;
    case "median":
      return zh
        ? `${fmt(i.sample, 0)} 个的中位数：${fmt(i.raw_value)} ${u}（90 分位 ${fmt(i.p90)}，均值 ${fmt(i.mean)}）`
        : `median of ${fmt(i.sample, 0)}: ${fmt(i.raw_value)} ${u} (p90 ${fmt(i.p90)}, mean ${fmt(i.mean)})`;
    case "mean":
      return zh ? `${fmt(i.sample, 0)} 个的均值：${fmt(i.raw_value)}` : `mean of ${fmt(i.sample, 0)}: ${fmt(i.raw_value)}`;
    case "ratio":
      // observed against what the department's own history expects for the same kinds of tickets (as explain says it)
      return zh
        ? `实际 ${fmt(i.numerator)}，按工单组合预期 ${fmt(i.denominator)}，比值 ${fmt(i.raw_value, 3)}（${fmt(i.sample, 0)} 张工单）`
        : `${fmt(i.numerator)} ${observed} vs ${fmt(i.denominator)} expected for the ticket mix = ${fmt(i.raw_value, 3)}x (${fmt(i.sample, 0)} tickets)`;
    default:
      return fmt(i.raw_value);
  }
}

/**
 * An instant (ISO text) as the department reads its other times: local to its zone, "2026-11-27 19:24:28 +08" (the
 * offset as the warehouse writes its run times, minutes only where the zone has them). The snapshot's publish time was
 * shown in UTC beside the last load and run in the department's zone.
 */
export function localTimestamp(iso, timeZone) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "-";
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  const local = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
  const offset = Math.round((Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second) - Math.floor(d.getTime() / 1000) * 1000) / 60000);
  const abs = Math.abs(offset);
  const hm = `${String(Math.floor(abs / 60)).padStart(2, "0")}${abs % 60 ? `:${String(abs % 60).padStart(2, "0")}` : ""}`;
  return `${local} ${offset < 0 ? "-" : "+"}${hm}`;
}
