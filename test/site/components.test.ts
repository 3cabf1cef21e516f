/**
 * Browser components that are plain functions: CSV cells escaped against formula injection, labels that exist in
 * both languages, and axis labels broken into lines.
 */
import { describe, expect, it } from "vitest";
import { describeInputs as explainInputs } from "../../pipelines/explain.ts";
// @ts-expect-error: a browser module without types
import { describeInputs, localTimestamp } from "../../src/components/format.js";
import { labels } from "../../src/components/i18n.js";
// @ts-expect-error: a browser module without types
import { escapeCell, toCsv } from "../../src/components/table.js";
// @ts-expect-error: a browser module without types
import { labelLines } from "../../src/components/vl.js";

describe("CSV cells", () => {
  it("prefix cells a spreadsheet would run as a formula, and leave numbers numbers", () => {
    expect(escapeCell("=HYPERLINK(\"x\")")).toBe("'=HYPERLINK(\"x\")");
    expect(escapeCell("+cmd|' /C calc'!A0")).toBe("'+cmd|' /C calc'!A0");
    expect(escapeCell("-2+3+cmd")).toBe("'-2+3+cmd");
    expect(escapeCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(escapeCell("\tx")).toBe("'\tx");
    expect(escapeCell("-3.5")).toBe("-3.5");
    expect(escapeCell("+1.2")).toBe("+1.2");
    expect(escapeCell("12.5%")).toBe("12.5%");
    expect(escapeCell("一线支持一组")).toBe("一线支持一组");
  });

  it("quote commas, quotes and line breaks (RFC 4180)", () => {
    expect(toCsv(["a", "b"], [["x,y", 'say "hi"'], ["=1+1", "-1"]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n\'=1+1,-1\r\n');
  });
});

describe("labels", () => {
  it("exist in English and Chinese for the same keys", () => {
    const en = labels("en").L;
    const zh = labels("zh-CN").L;
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    expect(zh.rankings).toBe("员工排名");
    expect(labels("fr").lang).toBe("en");
  });
});

describe("the inputs sentence", () => {
  it("reads in English as `appraisal explain` writes it, and in Chinese with the same numbers", () => {
    const cases = [
      { metric: "resolution_rate", metric_kind: "proportion", raw_value: 205 / 207, sample: 207, numerator: 205, denominator: 207, p90: null, mean: null, unit: "share" },
      { metric: "resolution_hours_median", metric_kind: "median", raw_value: 11.10388, sample: 205, numerator: null, denominator: null, p90: 73.474, mean: 26.68, unit: "hours" },
      { metric: "complaint_rate", metric_kind: "rate100", raw_value: 2.926829, sample: 205, numerator: 6, denominator: 205, p90: null, mean: null, unit: "per 100 tickets" },
      { metric: "tickets_resolved", metric_kind: "count", raw_value: 205, sample: 205, numerator: null, denominator: null, p90: null, mean: null, unit: "tickets" },
      { metric: "r360.skill", metric_kind: "mean", raw_value: 3.3333, sample: 12, numerator: null, denominator: null, p90: null, mean: null, unit: "rating 1-5" },
      { metric: "csat", metric_kind: "proportion", raw_value: null, sample: 0, numerator: null, denominator: null, p90: null, mean: null, unit: "share" },
    ];
    const numbers = (s: string) => s.match(/\d+(\.\d+)?%?/g)?.sort() ?? [];
    for (const c of cases) {
      expect(describeInputs(c, c.metric_kind, c.unit, "en")).toBe(explainInputs(c));
      expect(numbers(describeInputs(c, c.metric_kind, c.unit, "zh-CN"))).toEqual(numbers(explainInputs(c)));
    }
    expect(describeInputs(cases[0], "proportion", "share", "zh-CN")).toBe("207 中 205 = 99.0%");
  });
});

describe("axis labels over lines", () => {
  it("breaks Chinese between characters and other text at spaces, never inside a word", () => {
    // the status board's source names on a phone (130 px): "certificati / ons" was drawn before
    expect(labelLines("certifications", 130)).toEqual(["certifications"]);
    expect(labelLines("knowledge sharing and proposals", 130)).toEqual(["knowledge sharing and", "proposals"]);
    expect(labelLines("跨部门协作调查", 130)).toEqual(["跨部门协作调查"]);
    expect(labelLines("一线支持一组", 50)).toEqual(["一线支持", "一组"]);
    expect(labelLines("360 度评估", 130)).toEqual(["360 度评估"]);
  });
});

describe("the publish time", () => {
  it("reads in the department's zone, with its offset, as the run and load times do", () => {
    expect(localTimestamp("2026-11-27T11:24:28.579Z", "Asia/Shanghai")).toBe("2026-11-27 19:24:28 +08");
    expect(localTimestamp("2026-12-31T20:00:00Z", "Asia/Shanghai")).toBe("2027-01-01 04:00:00 +08");
    expect(localTimestamp("2026-07-01T12:00:00Z", "Asia/Kolkata")).toBe("2026-07-01 17:30:00 +05:30");
    expect(localTimestamp("2026-07-01T12:00:00Z", "America/New_York")).toBe("2026-07-01 08:00:00 -04");
    expect(localTimestamp("2026-01-15T12:00:00Z", "America/New_York")).toBe("2026-01-15 07:00:00 -05");
    expect(localTimestamp("2026-07-01T12:00:00Z", "UTC")).toBe("2026-07-01 12:00:00 +00");
    expect(localTimestamp("not a time", "UTC")).toBe("-");
  });
});
