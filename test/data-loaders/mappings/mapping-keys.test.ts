/**
 * Mapping keys that real exports need: file-level null tokens (`?`, `NULL`, `-`, `N/A`), the zone of a file's
 * local times, and a footer that is not data (Zammad's report ends with "Timezone: ...").
 */
import { describe, expect, it } from "vitest";
import { loadFile } from "../../../data-loaders/ingest/load-file.ts";
import { Mapping } from "../../../data-loaders/mappings/schema.ts";
import { footerStart } from "../../../data-loaders/files/read.ts";
import { csv, withWarehouse, writeFile } from "../../helpers/warehouse.ts";

const ROSTER = csv(["agent_id", "display_name", "team", "department", "hire_date"], [["A1", "Ann", "T1", "Support", "2025-01-01"]]);

const mapping = (extra: Record<string, unknown>, columns: Record<string, unknown> = {}) => ({
  ...Mapping.parse({
    table: "tickets",
    format: "csv",
    columns: Object.fromEntries(
      Object.entries({ ticket_id: "id", created_at: "created", resolved_at: "resolved", status: "status", priority: { column: "priority", default: "normal" }, assignee_id: "agent", reopen_count: "reopens", category: "category", ...columns }).filter(([, v]) => v !== undefined),
    ),
    ...extra,
  }),
  name: "test",
});

async function load(text: string, m: ReturnType<typeof mapping>) {
  return withWarehouse(async (wh, dir) => {
    await loadFile(wh, { file: writeFile(dir, "roster.csv", ROSTER), source: "roster", mapping: { ...Mapping.parse({ table: "agents", format: "csv", columns: { agent_id: "agent_id", display_name: "display_name", team: "team", department: "department", hire_date: "hire_date" } }), name: "roster" } });
    const s = await loadFile(wh, { file: writeFile(dir, "t.csv", text), source: "t", mapping: m });
    const rows = await wh.all<Record<string, unknown>>(
      `SELECT ticket_id, strftime(created_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') AS created_utc, resolved_at IS NULL AS unresolved, status, priority, reopen_count, category
       FROM raw.tickets WHERE _current ORDER BY ticket_id`,
    );
    const problems = await wh.all<{ line: number; field: string; reason: string }>("SELECT line, field, reason FROM meta.quarantine WHERE source = 't' ORDER BY line");
    return { s, rows, problems };
  });
}

describe("null_tokens", () => {
  const text = csv(
    ["id", "created", "resolved", "status", "priority", "agent", "reopens", "category"],
    [
      ["T1", "2026-03-02 09:00:00", "?", "open", "?", "A1", "?", "?"],
      ["T2", "2026-03-02 10:00:00", "N/A", "open", "n/a", "A1", "NULL", "Billing"],
      ["T3", "2026-03-02 11:00:00", "2026-03-02 12:00:00", "resolved", "high", "A1", "-", " null "],
    ],
  );

  it("reads ?, NULL, - and N/A as empty in every column, before defaults, also where the CSV reader converts the column", async () => {
    // one timestamp format: the CSV reader itself converts created/resolved (its nullstr), the rest is cast in SQL
    const { s, rows, problems } = await load(text, mapping({ null_tokens: ["?", "NULL", "-", "N/A"], timestamp_formats: ["%Y-%m-%d %H:%M:%S"] }));
    expect(problems).toEqual([]);
    expect([s.rowsRead, s.inserted, s.quarantined]).toEqual([3, 3, 0]);
    expect(rows).toEqual([
      { ticket_id: "T1", created_utc: "2026-03-02 01:00", unresolved: true, status: "open", priority: "normal", reopen_count: 0, category: null },
      { ticket_id: "T2", created_utc: "2026-03-02 02:00", unresolved: true, status: "open", priority: "normal", reopen_count: 0, category: "Billing" },
      { ticket_id: "T3", created_utc: "2026-03-02 03:00", unresolved: false, status: "resolved", priority: "high", reopen_count: 0, category: null },
    ]);
  });

  it("without null_tokens the same file is quarantined value by value (the tokens are data)", async () => {
    const { s, problems } = await load(text, mapping({ timestamp_formats: ["%Y-%m-%d %H:%M:%S"] }));
    expect(s.quarantined).toBe(3);
    expect(problems.map((p) => p.field)).toContain("resolved_at");
  });
});

describe("timezone", () => {
  const text = csv(
    ["id", "created", "resolved", "status", "priority", "agent", "reopens", "category"],
    [
      ["T1", "2026-03-02 09:00:00", "", "open", "normal", "A1", "0", ""],
      ["T2", "2026-07-02 09:00:00", "", "open", "normal", "A1", "0", ""],
      ["T3", "2026-03-02 09:00:00+08:00", "", "open", "normal", "A1", "0", ""],
    ],
  );
  const expected = [
    { ticket_id: "T1", created_utc: "2026-03-02 08:00" }, // CET, UTC+1
    { ticket_id: "T2", created_utc: "2026-07-02 07:00" }, // CEST, UTC+2
    { ticket_id: "T3", created_utc: "2026-03-02 01:00" }, // its own offset wins
  ];
  const pick = (rows: Array<Record<string, unknown>>) => rows.map((r) => ({ ticket_id: r.ticket_id, created_utc: r.created_utc }));

  it("reads a file's times without offset in the mapping's zone (cast in SQL)", async () => {
    const { rows, problems } = await load(text, mapping({ timezone: "Europe/Berlin" }));
    expect(problems).toEqual([]);
    expect(pick(rows)).toEqual(expected);
  });

  it("also where the CSV reader converts the column with the mapping's one format", async () => {
    const local = csv(["id", "created", "resolved", "status", "priority", "agent", "reopens", "category"], [["T1", "02.03.2026 09:00", "", "open", "normal", "A1", "0", ""]]);
    const { rows } = await load(local, mapping({ timezone: "Europe/Berlin", timestamp_formats: ["%d.%m.%Y %H:%M"] }));
    expect(pick(rows)).toEqual([expected[0]]);
  });

  it("without it, the department's zone (Asia/Shanghai) applies", async () => {
    const { rows } = await load(text, mapping({}));
    expect(pick(rows)[0]).toEqual({ ticket_id: "T1", created_utc: "2026-03-02 01:00" });
  });

  it("refuses a zone that does not exist", () => {
    expect(() => mapping({ timezone: "Mars/Olympus" })).toThrow(/not an IANA time zone/);
  });
});

describe("footer_starts_with", () => {
  // Zammad's report saved as CSV: a title line and a blank line before the header, a blank row and
  // "Timezone: <zone>" after the data, every row padded with commas by the spreadsheet
  const body = csv(
    ["#", "Created At", "Closed At", "State", "Owner"],
    [
      ["31001", "2026-03-02 09:00:00", "", "open", "A1"],
      ["31002", "2026-03-02 10:00:00", "2026-03-02 11:00:00", "closed", "A1"],
    ],
  );
  const text = `2026-03,,,,\n,,,,\n${body},,,,\nTimezone: Europe/Berlin,,,,\n`;
  const zammad = (extra: Record<string, unknown>) =>
    mapping({ skip_lines: 2, ...extra }, { ticket_id: "#", created_at: "Created At", resolved_at: "Closed At", status: "State", assignee_id: "Owner", priority: { const: "normal" }, reopen_count: undefined, category: undefined });

  it("drops the footer and the blank rows before it; no quarantine line for either", async () => {
    const { s, rows, problems } = await load(text, zammad({ footer_starts_with: "Timezone:" }));
    expect(problems).toEqual([]);
    expect([s.rowsRead, s.inserted]).toEqual([2, 2]);
    expect(rows.map((r) => r.ticket_id)).toEqual(["31001", "31002"]);
  });

  it("without it, the footer rows are quarantined as bad records", async () => {
    const { s } = await load(text, zammad({}));
    expect(s.quarantined).toBe(2);
  });

  it("finds nothing to drop when the last lines are data, and never cuts a data line that merely mentions the text", () => {
    return withWarehouse(async (_wh, dir) => {
      expect(footerStart(writeFile(dir, "a.csv", body), "Timezone:", ",", '"')).toBeNull();
      const tricky = writeFile(dir, "b.csv", `${body}31003,Timezone: x,,open,A1\n`);
      expect(footerStart(tricky, "Timezone:", ",", '"')).toBeNull();
      const quoted = writeFile(dir, "c.csv", `${body}"Timezone: UTC"\n`);
      expect(footerStart(quoted, "Timezone:", ",", '"')).toBe(Buffer.byteLength(body));
    });
  });
});
