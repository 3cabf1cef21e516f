/**
 * The built demo site (test/site/setup.ts) as files: it references no external host, and none of the demo
 * data's private values (customer ids, emails, phones, ticket subjects, comments, 360 rater ids) is in any file.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import iconv from "iconv-lite";
import { describe, expect, inject, it } from "vitest";
import { readSiteText, scanForStrings, scanOffline } from "../../pipelines/site/scan.ts";

const site = inject("site");

function csvRows(file: string, encoding: "utf-8" | "gb18030" = "utf-8"): Array<Record<string, string>> {
  const text = encoding === "utf-8" ? readFileSync(file, "utf8").replace(/^\ufeff/, "") : iconv.decode(readFileSync(file), encoding);
  return parse(text, { columns: true, skip_empty_lines: true });
}

const filesIn = (dir: string, re: RegExp) => readdirSync(path.join(site.demo, dir)).filter((f) => re.test(f)).map((f) => path.join(site.demo, dir, f));

/** The private values of the demo department, by kind. */
function privateValues(): Record<string, string[]> {
  const v: Record<string, Set<string>> = {};
  const add = (kind: string, value: unknown) => {
    if (typeof value !== "string" || !value.trim()) return;
    v[kind] ??= new Set();
    v[kind].add(value.trim());
  };
  for (const f of filesIn("helpdesk", /^tickets-.*\.csv$/)) {
    for (const r of csvRows(f)) {
      add("customer id", r["Customer ID"]);
      add("customer email", r["Customer Email"]);
      add("customer phone", r["Customer Phone"]);
      add("customer phone", r["Customer Phone"]?.replace(/\s+/g, ""));
      add("ticket subject", r.Subject);
    }
  }
  for (const f of filesIn("survey", /^csat-.*\.ndjson$/)) {
    for (const line of readFileSync(f, "utf8").split("\n").filter(Boolean)) {
      const r = JSON.parse(line);
      add("csat comment", r.comment);
      add("customer email", r.customer_email);
    }
  }
  for (const f of filesIn("survey", /^collab-.*\.csv$/)) for (const r of csvRows(f, "gb18030")) add("collaboration comment", r["意见建议"]);
  for (const f of filesIn("survey", /^review360-.*\.csv$/)) for (const r of csvRows(f)) add("360 rater id", r["评价人编号"]);
  for (const f of filesIn("survey", /^opinion-.*\.csv$/))
    for (const r of csvRows(f, "gb18030")) {
      add("opinion comment", r["3、您对考核方案的其他意见或建议"]);
      add("survey respondent address", r["来自IP"]?.split(" ")[0]);
    }
  return Object.fromEntries(Object.entries(v).map(([k, s]) => [k, [...s]]));
}

describe("the built site", () => {
  it("references no external host (nothing a browser would fetch or navigate to) and leaves no import unresolved", () => {
    expect(scanOffline(site.dist)).toEqual([]);
  });

  it("contains no customer id, email, phone, ticket subject, comment or 360 rater id of the demo data", () => {
    const values = privateValues();
    // the demo data has each kind, so an empty scan means something
    expect(Object.keys(values).sort()).toEqual(
      ["360 rater id", "collaboration comment", "csat comment", "customer email", "customer id", "customer phone", "opinion comment", "survey respondent address", "ticket subject"].sort(),
    );
    // the opinion survey's comments are a dozen templates
    for (const [kind, list] of Object.entries(values)) expect(list.length, kind).toBeGreaterThan(kind === "opinion comment" ? 5 : 10);
    expect(values["360 rater id"]!.every((id) => /^RSP-[0-9A-F]+$/.test(id))).toBe(true);
    const all = Object.values(values).flat();
    // the scanner finds them where they are: in the demo files themselves
    const control = scanForStrings(path.join(site.demo, "survey"), [values["360 rater id"]![0]!, values["csat comment"]![0]!]);
    expect(control.size).toBe(2);
    const leaks = scanForStrings(site.dist, all);
    expect([...leaks].map(([value, files]) => `${value} in ${files.slice(0, 3).join(", ")}`)).toEqual([]);
  });

  it("the management build passes the same scans", () => {
    expect(scanOffline(site.distManagement)).toEqual([]);
    const leaks = scanForStrings(site.distManagement, Object.values(privateValues()).flat());
    expect([...leaks].map(([value, files]) => `${value} in ${files.slice(0, 3).join(", ")}`)).toEqual([]);
  });

  it("the staff build holds no management-only data: appeal reasons and evidence, decisions, the tracker", () => {
    const managementOnly = [
      site.appeal.reason,
      site.appeal.evidence,
      site.appeal.decision,
      // texts only the tracker and its agent entries carry (data, not the boards' labels)
      "of 3 consecutive quarters)",
      "quarters in a row (20",
      site.committee.note,
    ];
    // the scan finds them where they are: in the management build
    const control = scanForStrings(site.distManagement, managementOnly);
    // (the scanner matches without regard to case and reports values in lower case)
    expect([...control.keys()]).toEqual(
      expect.arrayContaining([site.appeal.reason, site.appeal.evidence, site.appeal.decision, site.committee.note].map((x) => x.toLowerCase())),
    );
    expect([...control.keys()].some((k) => /quarters/.test(k))).toBe(true);
    const leaks = scanForStrings(site.dist, managementOnly);
    expect([...leaks].map(([value, files]) => `${value} in ${files.slice(0, 3).join(", ")}`)).toEqual([]);
    expect(existsSync(path.join(site.dist, "_file", "data", "shards", "management"))).toBe(false);
  });

  it("shows ticket ids in the management build only (the staff build counts records)", () => {
    const ids = readdirSync(path.join(site.distManagement, "_file", "data", "shards", "inputs"));
    expect(ids.length).toBeGreaterThan(10);
    const sample = readSiteText(path.join(site.distManagement, "_file", "data", "shards", "inputs", ids[0]!)).match(/TK-\d+/g) ?? [];
    expect(sample.length).toBeGreaterThan(10);
    const leaks = scanForStrings(site.dist, sample.slice(0, 200));
    expect([...leaks].map(([value, files]) => `${value} in ${files.slice(0, 3).join(", ")}`)).toEqual([]);
    expect(existsSync(path.join(site.dist, "_file", "data", "shards", "inputs"))).toBe(false);
  });

  it("holds no agent's result for a period before its publication in the staff build; the management build has every period", () => {
    const periods = JSON.parse(readFileSync(path.join(site.snapshot, "site", "periods.json"), "utf8"));
    const col = (c: string) => periods.columns.indexOf(c);
    const published = periods.rows.filter((r: unknown[]) => r[col("publication_state")] !== "open").map((r: unknown[]) => r[col("period")] as string).sort();
    expect(published).toEqual([site.final.period, site.appeal.period].sort());
    const shards = (dist: string, kind: string) => readdirSync(path.join(dist, "_file", "data", "shards", kind));
    expect(shards(site.dist, "rankings").map((f) => f.replace(".json", "")).sort()).toEqual(published);
    expect(shards(site.distManagement, "rankings").length).toBe(periods.rows.length);
    // every agent has a file (the page says "not published yet" rather than failing), with published periods only
    for (const f of shards(site.dist, "agents")) {
      const shard = JSON.parse(readSiteText(path.join(site.dist, "_file", "data", "shards", "agents", f)));
      const seen = shard.periods.rows.map((r: unknown[]) => r[shard.periods.columns.indexOf("period")]);
      expect(seen.filter((p: string) => !published.includes(p)), f).toEqual([]);
      // the agent's own appeals carry the indicator and the state, never the reason
      expect(shard.appeals.columns).toEqual(["period", "appeal_id", "indicator_id", "state", "filed_at", "decided_at"]);
    }
    expect(shards(site.dist, "agents").length).toBe(shards(site.distManagement, "agents").length);
  });

  it("preloads from a chart board's head only files the site has; the HR board the composite's cells, not the whole table", () => {
    for (const page of ["index", "leadership", "hr"]) {
      const html = readFileSync(path.join(site.dist, `${page}.html`), "utf8");
      const preloads = [...html.matchAll(/<link rel="preload[^"]*" href="([^"]+)" as="fetch"/g)].map((m) => m[1]!);
      expect(preloads.length, page).toBeGreaterThanOrEqual(3);
      for (const href of preloads) expect(existsSync(path.join(site.dist, href)), `${page}.html: ${href}`).toBe(true);
    }
    const hr = readFileSync(path.join(site.dist, "hr.html"), "utf8");
    expect(hr).toContain('href="./_file/data/shards/hr/composite.json"');
    expect(hr).not.toMatch(/data\/hr_cells/);
    // one file per indicator with cells, the composite's among them; the whole table is not in the site
    const hrFiles = readdirSync(path.join(site.dist, "_file", "data", "shards", "hr"));
    expect(hrFiles).toContain("composite.json");
    expect(hrFiles.length).toBeGreaterThan(5);
    expect(readdirSync(path.join(site.dist, "_file", "data")).filter((f) => f.startsWith("hr_cells"))).toEqual([]);
  });

  it("has every board and one data file per agent and per period", () => {
    for (const page of ["index", "leadership", "hr", "rankings", "agent", "appeals", "tracker", "calibration", "methodology", "status"])
      expect(readdirSync(site.dist)).toContain(`${page}.html`);
    const agents = readdirSync(path.join(site.dist, "_file", "data", "shards", "agents"));
    expect(agents.length).toBeGreaterThanOrEqual(40);
    expect(readdirSync(path.join(site.distManagement, "_file", "data", "shards", "rankings")).length).toBeGreaterThan(12);
  });
});
