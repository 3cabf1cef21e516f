/**
 * Privacy and exposure of what staff are shown (issue 10 item 7, issue 11 item 8): quarantine reasons carry no
 * source value at all, whatever quotes the value holds, and count one line per reason (the record has its own
 * column); a huge header does not become a huge stored reason; the staff manifests carry no server path and no
 * count of committee decisions or exclusions.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFile, MAX_REASON_CHARS } from "../../data-loaders/ingest/load-file.ts";
import { loadMapping } from "../../data-loaders/mappings/schema.ts";
import { publish as publishSnapshot } from "../../pipelines/publish/publish.ts";
import { publish } from "../../pipelines/rules/lifecycle.ts";
import { recordExclusion } from "../../pipelines/rules/records.ts";
import { runModels } from "../../pipelines/run.ts";
import { loadSchemes } from "../../pipelines/scheme/load.ts";
import { buildDepartment, type Department, GOLDEN_SCHEME } from "../helpers/department.ts";
import { csv, TZ, writeFile } from "../helpers/warehouse.ts";

const EMAIL = "zhang.san@customer.example.com";
const roster = { header: ["agent_id", "display_name", "team", "department", "hire_date"], rows: [["A1", "Ann", "T1", "Support", "2025-01-01"], ["A2", "Bo", "T1", "Support", "2025-01-01"]] };
const T_HEAD = ["ticket_id", "created_at", "resolved_at", "status", "priority", "assignee_id", "reopen_count"];
const tickets = {
  header: T_HEAD,
  rows: [
    ["T1", "2026-01-01 09:00:00", "2026-01-01 12:00:00", "resolved", "normal", "A1", "0"],
    ["T2", "2026-01-06 09:00:00", "2026-01-06 10:00:00", "resolved", "normal", "A2", "0"],
    ["T3", "2026-02-03 09:00:00", "2026-02-03 11:00:00", "resolved", "normal", "A1", "0"],
  ],
};

let d: Department;
// the hostile file is mostly quarantined on purpose: its share must not keep this test's period from publication
const ctx = () => ({ wh: d.wh, timezone: TZ, asOf: new Date("2026-03-02T02:00:00Z"), actor: "hr", maxQuarantinedShare: 1 });

beforeAll(async () => {
  d = await buildDepartment({ roster, tickets });
  // hostile values: quotes that used to defeat the quote-stripping, an email, and rows that differ only in their values
  const hostile = writeFile(
    d.dir,
    "hostile.csv",
    csv(T_HEAD, [
      ["T1", "2026-01-01 09:00:00", "2026-01-01 12:00:00", "resolved", "normal", "A1", "0"],
      ["T1", "2026-01-01 09:00:00", "2026-01-01 12:00:00", "resolved", "normal", "A1", "0"],
      ["T2", "2026-01-06 09:00:00", "2026-01-06 10:00:00", "resolved", "normal", "A2", "0"],
      ["T2", "2026-01-06 09:00:00", "2026-01-06 10:00:00", "resolved", "normal", "A2", "0"],
      ["H1", "2026-01-07 09:00:00", "2026-01-07 10:00:00", "resolved", "normal", `a"b ${EMAIL}`, "0"],
      ["H2", "2026-01-07 09:00:00", "2026-01-07 10:00:00", "resolved", "normal", `"${EMAIL}", got it`, "0"],
      ["H3", "2026-01-07 09:00:00", "2026-01-07 10:00:00", "resolved", `sev-1 ${EMAIL}`, "A1", "0"],
      ["H4", "2026-01-07 09:00:00", "2026-01-07 10:00:00", "resolved", "normal", "A1", `1"; ${EMAIL}`],
      ["H5", "2026-01-07 09:00:00", "2026-01-07 10:00:00", "resolved", "normal", "A1", "-3"],
      ["H6", "2026-01-07 09:00:00", "2026-01-07 10:00:00", "resolved", "normal", "A1", "-4"],
      ["H7", "2026-01-07 09:00:00", "2026-01-07 10:00:00", "resolved", "normal", "Z1", "0"],
      ["H8", "2026-01-07 09:00:00", "2026-01-07 10:00:00", "resolved", "normal", "Z2", "0"],
    ]),
  );
  await loadFile(d.wh, { file: hostile, source: "tickets", mapping: loadMapping("canonical/tickets") });
  // a reason written before reasons were generic (an older warehouse), with a quoted value
  await d.wh.run(`INSERT INTO meta.quarantine (batch_id, source, file, target_table, record, line, field, value, reason)
    VALUES (999, 'tickets', 'old.csv', 'tickets', 1, 2, 'assignee_id', 'x', 'unknown agent "a"b ${EMAIL}": not in the roster')`);
  await runModels(d.wh, loadSchemes(GOLDEN_SCHEME));
  await recordExclusion(ctx(), { agent: "A2", from: "2026-01-01", to: "2026-01-31", reason: "parental leave" });
  // a committee decision on record (its count is what staff must not learn)
  await d.wh.run("INSERT INTO meta.committee_decisions VALUES ('golden', '2026-Q1', 'A1', 'retain', 'manager, HR, lead', NULL, now())");
  await runModels(d.wh, loadSchemes(GOLDEN_SCHEME));
  await publish(ctx(), "golden", "2026-01", "provisional");
});
afterAll(() => d?.done());

describe("what staff see of the quarantine", () => {
  it("no source value in any published reason, however it is quoted", async () => {
    const snap = await publishSnapshot(d.wh, { root: path.join(d.dir, "published"), audience: "staff", scheme: "golden", language: "en" });
    const json = readFileSync(path.join(snap.dir, "site", "quarantine_reasons.json"), "utf8");
    expect(json).not.toMatch(/customer\.example|zhang|sev-1|"-3"|-4\b/i);
    // the warehouse keeps the values, for whoever fixes the file
    expect(await d.wh.value(`SELECT count(*) FROM meta.quarantine WHERE value LIKE '%${EMAIL}%'`)).toBeGreaterThanOrEqual(3);
    expect(await d.wh.value(`SELECT count(*) FROM meta.quarantine WHERE (reason LIKE '%customer.example%' OR reason LIKE '%sev-1%') AND batch_id <> 999`)).toBe(0);
  });

  it("counts rows by a generic reason: one line per reason, the record in its own column", async () => {
    const rows = await d.wh.all<{ field: string; reason: string; n: number; records: number[]; related: number[] }>(
      `SELECT field, reason, count(*) AS n, list(record ORDER BY record) AS records, list(related_record ORDER BY record) AS related
       FROM meta.quarantine WHERE file LIKE '%hostile.csv' GROUP BY ALL ORDER BY field, reason`,
    );
    const byField = Object.fromEntries(rows.map((r) => [`${r.field}: ${r.reason}`, r]));
    expect(byField["assignee_id: unknown agent: not in the roster (matched on agent_id); load or fix the roster first"]?.records).toEqual([11, 12]);
    expect(byField["reopen_count: must be at least 0"]?.records).toEqual([9, 10]);
    const dups = byField["ticket_id: duplicate ticket_id in this file; the other copy was kept"]!;
    expect(dups.records).toEqual([2, 4]);
    expect(dups.related).toEqual([1, 3]);
  });

  it("stores a capped reason for a file whose header is huge", async () => {
    const file = path.join(d.dir, "huge-header.csv");
    writeFileSync(file, `${"h".repeat(3 * 1024 * 1024)},status\nx,open\n`);
    const s = await loadFile(d.wh, { file, source: "tickets", mapping: loadMapping("canonical/tickets") });
    expect(s.status).toBe("failed");
    const reason = await d.wh.value<string>("SELECT reason FROM meta.quarantine WHERE batch_id = $b", { b: s.batchId });
    expect(reason.length).toBeLessThanOrEqual(MAX_REASON_CHARS);
    expect(reason).toMatch(/missing columns 'ticket_id'.*the file has 'h{57}\.\.\.'/);
    expect(s.message!.length).toBeLessThanOrEqual(MAX_REASON_CHARS);
  });
});

describe("the staff manifests", () => {
  it("name input files without a server path and people-kept records by hash, not count", async () => {
    const snap = await publishSnapshot(d.wh, { root: path.join(d.dir, "published2"), audience: "staff", scheme: "golden", language: "en" });
    const table = JSON.parse(readFileSync(path.join(snap.dir, "site", "manifests.json"), "utf8")) as { columns: string[]; rows: unknown[][] };
    const manifest = JSON.parse(table.rows[0]![table.columns.indexOf("manifest")] as string);
    expect(manifest.inputs.length).toBeGreaterThan(0);
    expect(manifest.inputs.map((i: { file: string }) => i.file)).toEqual(expect.arrayContaining(["roster.csv", "tickets.csv"]));
    const text = JSON.stringify(table);
    expect(text).not.toContain(d.dir);
    expect(text).not.toMatch(/\/tmp\//);
    expect(Object.keys(manifest.records).sort()).toEqual(["meta.committee_decisions", "meta.corrections", "meta.tracker_exclusions"]);
    for (const r of Object.values(manifest.records) as Array<Record<string, unknown>>) expect(Object.keys(r)).toEqual(["sha256"]);
    // the full manifest (management, `appraisal manifest`) still has them
    const full = JSON.parse(await d.wh.value<string>("SELECT manifest::VARCHAR FROM meta.manifests"));
    expect(full.records["meta.committee_decisions"].rows).toBe(1);
    expect(full.inputs[0].file).toContain(d.dir);
  });
});
