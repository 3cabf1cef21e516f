/**
 * The Zendesk ticket export: column names as Zendesk writes them, the assignee as a name (or login or email)
 * matched to the roster, times with offsets, the first reply derived from "First reply time in minutes".
 */
import path from "node:path";
import { expect, it } from "vitest";
import { loadFile } from "../../data-loaders/ingest/load-file.ts";
import { loadMapping } from "../../data-loaders/mappings/schema.ts";
import { withWarehouse } from "../helpers/warehouse.ts";

const FIXTURE = path.join(import.meta.dirname, "..", "fixtures", "zendesk");

it("loads a Zendesk CSV export onto canonical tickets", async () => {
  await withWarehouse(async (wh) => {
    await loadFile(wh, { file: path.join(FIXTURE, "roster.csv"), source: "roster", mapping: loadMapping("canonical/agents") });
    const s = await loadFile(wh, { file: path.join(FIXTURE, "tickets.csv"), source: "zendesk", mapping: loadMapping("zendesk-tickets-csv") });
    expect([s.rowsRead, s.inserted, s.quarantined]).toEqual([4, 3, 1]);
    expect(s.problems.join("\n")).toMatch(/tickets\.csv line 5, field assignee_id: unknown agent: not in the roster \(matched on display_name, helpdesk_login, email, agent_id\); load or fix the roster first \(got "Somebody Else"\)/);
    const rows = await wh.all<Record<string, unknown>>(
      `SELECT ticket_id, assignee_id, status, priority, channel, strftime(created_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') AS created_utc,
         date_diff('minute', created_at, first_response_at) AS first_reply_minutes, resolved_at IS NOT NULL AS resolved, reopen_count, customer_id
       FROM raw.tickets WHERE _current ORDER BY ticket_id`,
    );
    expect(rows).toEqual([
      { ticket_id: "ZD-48211", assignee_id: "E2001", status: "resolved", priority: "normal", channel: "Web form", created_utc: "2026-03-02 01:14", first_reply_minutes: 12, resolved: true, reopen_count: 0, customer_id: "ZD-90000011" },
      { ticket_id: "ZD-48212", assignee_id: "E2002", status: "closed", priority: "high", channel: "Email", created_utc: "2026-03-02 02:02", first_reply_minutes: 45, resolved: true, reopen_count: 1, customer_id: "ZD-90000012" },
      { ticket_id: "ZD-48213", assignee_id: "E2003", status: "open", priority: "urgent", channel: "API", created_utc: "2026-03-03 00:00", first_reply_minutes: 5, resolved: false, reopen_count: 0, customer_id: "ZD-90000013" },
    ]);
    // the requester's name and email are not mapped, so they never enter the warehouse
    const text = JSON.stringify(await wh.all("SELECT * FROM raw.tickets"));
    expect(text).not.toContain("ana.sousa@client-one.example");
    expect(text).not.toContain("Ana Sousa");
  });
});
