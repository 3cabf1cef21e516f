/**
 * The shipped mappings for the common helpdesk exports, each on a fixture written from that product's documented
 * export columns and quirks (test/fixtures/<vendor>/README.md says where each column list comes from).
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadFile } from "../../data-loaders/ingest/load-file.ts";
import { loadMapping } from "../../data-loaders/mappings/schema.ts";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { withWarehouse } from "../helpers/warehouse.ts";

const FIXTURES = path.join(import.meta.dirname, "..", "fixtures");

async function loadVendor(wh: Warehouse, vendor: string, file: string, mapping: string) {
  await loadFile(wh, { file: path.join(FIXTURES, vendor, "roster.csv"), source: "roster", mapping: loadMapping("canonical/agents") });
  return loadFile(wh, { file: path.join(FIXTURES, vendor, file), source: vendor, mapping: loadMapping(mapping) });
}

const current = (wh: Warehouse) =>
  wh.all<Record<string, unknown>>(
    `SELECT ticket_id, status, priority, assignee_id, resolved_by,
       strftime(created_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') AS created_utc,
       date_diff('minute', created_at, first_response_at) AS first_reply_min,
       date_diff('minute', created_at, resolved_at) AS resolution_min,
       sla_breached, reopen_count, category, channel, queue
     FROM raw.tickets WHERE _current ORDER BY ticket_id`,
  );

const problems = (wh: Warehouse) =>
  wh.all<{ line: number; field: string; value: string | null; reason: string }>(
    "SELECT line, field, value, reason FROM meta.quarantine WHERE source <> 'roster' ORDER BY line, field",
  );

/** [ticket_id, status, priority, assignee, created (UTC), minutes to first reply, minutes to resolution, SLA breached] */
const brief = (rows: Array<Record<string, unknown>>) =>
  rows.map((r) => [r.ticket_id, r.status, r.priority, r.assignee_id, r.created_utc, r.first_reply_min, r.resolution_min, r.sla_breached]);

describe("shipped vendor mappings", () => {
  it("freshdesk-tickets-csv: names matched to the roster, custom statuses, SLA from 'Resolution status', personal data left out", async () => {
    await withWarehouse(async (wh) => {
      const s = await loadVendor(wh, "freshdesk", "tickets.csv", "freshdesk-tickets-csv");
      expect([s.rowsRead, s.inserted, s.quarantined]).toEqual([5, 4, 1]);
      const rows = await current(wh);
      expect(brief(rows)).toEqual([
        ["FD-1001", "resolved", "normal", "E2001", "2026-03-02 01:14", 12, 146, false],
        ["FD-1002", "closed", "high", "E2002", "2026-03-02 02:02", 45, 1828, true],
        ["FD-1003", "open", "urgent", "E2003", "2026-03-03 00:00", 5, null, null],
        ["FD-1005", "pending", "low", null, "2026-03-04 07:20", null, null, null], // "Waiting on Customer", unassigned
      ]);
      expect(rows.map((r) => [r.category, r.channel, r.queue])[0]).toEqual(["Question", "Email", "Frontline"]);
      expect(await problems(wh)).toContainEqual({ line: 5, field: "assignee_id", value: "Somebody Else", reason: expect.stringMatching(/^unknown agent: not in the roster/) });
      const text = JSON.stringify(await wh.all("SELECT * FROM raw.tickets"));
      for (const personal of ["Ana Sousa", "ana.sousa@client-one.example", "I tried twice"]) expect(text).not.toContain(personal);
    });
  });

  it("servicenow-incidents-csv: several rows per incident (newest sys_updated_at in force), '?' for empty, day-first dates", async () => {
    await withWarehouse(async (wh) => {
      const s = await loadVendor(wh, "servicenow", "incident_event_log.csv", "servicenow-incidents-csv");
      // 10 rows: 3 incidents in force, 6 older versions kept as history, 1 row with state -100 quarantined
      expect([s.rowsRead, s.inserted, s.superseded, s.quarantined]).toEqual([10, 3, 6, 1]);
      const rows = await current(wh);
      expect(brief(rows)).toEqual([
        ["INC0000045", "closed", "normal", "E3001", "2016-02-28 17:16", null, 1956, false],
        ["INC0000047", "pending", "normal", "E3002", "2016-02-28 20:40", null, null, false],
        ["INC0000062", "resolved", "urgent", "E3001", "2016-02-28 22:10", null, 712, true],
      ]);
      expect(rows.map((r) => [r.resolved_by, r.reopen_count, r.channel, r.queue])).toEqual([
        ["E3001", 0, "Phone", "Group 56"],
        [null, 0, "Email", "Group 24"],
        ["E3001", 1, "Self service", "Group 24"],
      ]);
      const versions = await wh.value("SELECT count(*) FROM raw.tickets WHERE ticket_id = 'INC0000045'");
      expect(versions).toBe(4);
      expect(await problems(wh)).toEqual([{ line: 11, field: "status", value: null, reason: "missing value (the field is required)" }]);
    });
  });

  it("jsm-issues-csv: BOM, CRLF, repeated columns, multi-line descriptions, dd/MMM/yy h:mm a, account ids", async () => {
    await withWarehouse(async (wh) => {
      const s = await loadVendor(wh, "jsm", "issues.csv", "jsm-issues-csv");
      expect([s.rowsRead, s.inserted, s.quarantined]).toEqual([5, 4, 1]);
      const rows = await current(wh);
      expect(brief(rows)).toEqual([
        ["SD-101", "resolved", "normal", "E2001", "2026-03-02 01:14", 12, 146, null],
        ["SD-102", "pending", "high", "E2002", "2026-03-02 02:02", 45, null, null],
        ["SD-103", "closed", "urgent", "E2003", "2026-03-03 00:00", 5, 1995, null],
        ["SD-105", "open", "low", null, "2026-03-04 07:20", null, null, null],
      ]);
      expect(rows[0]!.category).toBe("Get IT help");
      // the contractor's account id is not in the roster (the line number is the exports branch's to make exact
      // after quoted multi-line fields)
      expect(await problems(wh)).toContainEqual(
        expect.objectContaining({
          field: "assignee_id",
          value: expect.stringMatching(/^712020:0000dead-beef/),
          reason: expect.stringMatching(/^unknown agent: not in the roster \(matched on helpdesk_login/),
        }),
      );
    });
  });

  it("zammad-tickets-csv: the report's title lines and footer, '-' for no owner, priorities like '2 normal'", async () => {
    await withWarehouse(async (wh) => {
      const s = await loadVendor(wh, "zammad", "tickets-2026-03.csv", "zammad-tickets-csv");
      expect([s.rowsRead, s.inserted, s.quarantined]).toEqual([5, 4, 1]);
      expect(brief(await current(wh))).toEqual([
        ["ZM-31001", "closed", "normal", "E2001", "2026-03-02 01:14", 12, 146, null], // met: closed before "Close Escalation At",
        ["ZM-31002", "open", "high", "E2002", "2026-03-02 02:02", 45, null, null],
        ["ZM-31003", "pending", "high", "E2003", "2026-03-03 00:00", 5, null, null],
        ["ZM-31004", "new", "low", null, "2026-03-04 07:20", null, null, null],
      ]);
      expect(await problems(wh)).toContainEqual({ line: 8, field: "assignee_id", value: "Somebody Else", reason: expect.stringMatching(/^unknown agent: not in the roster/) });
    });
  });
});
