/**
 * Browser components that are plain functions: CSV cells escaped against formula injection, and labels that
 * exist in both languages.
 */
import { describe, expect, it } from "vitest";
import { labels } from "../../src/components/i18n.js";
// @ts-expect-error: a browser module without types
import { escapeCell, toCsv } from "../../src/components/table.js";

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
