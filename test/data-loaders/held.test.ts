/**
 * A quarantined newest version holds its ticket out of the metrics (issue 11, item 3): the older version in force
 * stops counting, `status` and the data status board's published table count such tickets, and a corrected re-load
 * (or a roster that names the agent) releases the ticket.
 */
import { expect, it } from "vitest";
import { loadFile } from "../../data-loaders/ingest/load-file.ts";
import { loadMapping } from "../../data-loaders/mappings/schema.ts";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { PUBLISHED_TABLES } from "../../pipelines/publish/tables.ts";
import { runModels } from "../../pipelines/run.ts";
import { loadSchemes } from "../../pipelines/scheme/load.ts";
import { formatStatus, readStatus } from "../../pipelines/status.ts";
import { GOLDEN_SCHEME } from "../helpers/department.ts";
import { csv, withWarehouse, writeFile } from "../helpers/warehouse.ts";

const RHEAD = ["agent_id", "display_name", "team", "department", "hire_date"];
const HEAD = ["ticket_id", "created_at", "resolved_at", "updated_at", "status", "priority", "assignee_id"];

async function counted(wh: Warehouse): Promise<string[]> {
  await runModels(wh, loadSchemes(GOLDEN_SCHEME));
  return (await wh.all<{ ticket_id: string }>("SELECT ticket_id FROM int.tickets_credited ORDER BY ticket_id")).map((r) => r.ticket_id);
}

async function publishedSources(wh: Warehouse): Promise<Array<{ source: string; rows_quarantined: number; tickets_held_out: number | null }>> {
  const t = PUBLISHED_TABLES.find((x) => x.name === "sources")!;
  return wh.all(`SELECT source, rows_quarantined, tickets_held_out FROM (${t.sql}) ORDER BY source`);
}

it("holds a ticket out while its newest version is quarantined, counts it, and lets a corrected re-load restore it", async () => {
  await withWarehouse(async (wh, dir) => {
    const roster = (rows: string[][]) => writeFile(dir, `roster-${rows.length}.csv`, csv(RHEAD, rows.map((r) => [...r, "T1", "Support", "2024-01-01"])));
    await loadFile(wh, { file: roster([["A1", "Ann"], ["A2", "Bo"]]), source: "roster", mapping: loadMapping("canonical/agents") });
    const m = loadMapping("canonical/tickets");
    const load = async (name: string, rows: Array<Array<string | null>>) => loadFile(wh, { file: writeFile(dir, name, csv(HEAD, rows)), source: "tickets", mapping: m });

    await load("march.csv", [
      ["T-1", "2025-03-02 09:00", "2025-03-02 11:00", "2025-03-02 11:00", "resolved", "normal", "A1"],
      ["T-2", "2025-03-03 09:00", "2025-03-03 10:00", "2025-03-03 10:00", "resolved", "normal", "A2"],
      ["T-3", "2025-03-04 09:00", "2025-03-04 10:00", "2025-03-04 10:00", "resolved", "normal", "A2"],
      ["T-4", "2025-03-05 09:00", "2025-03-05 10:00", "2025-03-05 10:00", "resolved", "normal", "A1"],
    ]);
    expect(await counted(wh)).toEqual(["T-1", "T-2", "T-3", "T-4"]);

    const april = await load("april.csv", [
      // newer versions that cannot be read: a priority outside the contract, an agent the roster does not know
      ["T-1", "2025-03-02 09:00", "2025-03-02 11:00", "2025-04-01 08:00", "resolved", "critical", "A1"],
      ["T-2", "2025-03-03 09:00", "2025-03-03 10:00", "2025-04-01 08:00", "resolved", "normal", "Z9"],
      // an older bad version holds nothing, and a good version at least as new makes it moot at once
      ["T-3", "2025-03-04 09:00", "2025-03-04 10:00", "2025-03-01 10:00", "resolved", "bogus", "A2"],
      // a newer good version: the ticket is deleted in the helpdesk, and no longer counts
      ["T-4", "2025-03-05 09:00", "2025-03-05 10:00", "2025-04-01 08:00", "deleted", "normal", "A1"],
    ]);
    expect(april.quarantined).toBe(3);
    expect(await counted(wh)).toEqual(["T-3"]);
    const status = await readStatus(wh);
    expect(status.held).toEqual({ tickets: 2, sources: [{ source: "tickets", tickets: 2 }] });
    expect(formatStatus(status)).toMatch(/Tickets held out of the metrics \(newest version quarantined\): 2 \(tickets 2\)/);
    expect(await publishedSources(wh)).toEqual([
      { source: "roster", rows_quarantined: 0, tickets_held_out: null },
      { source: "tickets", rows_quarantined: 2, tickets_held_out: 2 },
    ]);

    // the corrected export of T-1 releases it; its quarantine line is resolved, not deleted
    const fixed = await load("april-corrected.csv", [["T-1", "2025-03-02 09:00", "2025-03-02 11:00", "2025-04-01 08:00", "resolved", "high", "A1"]]);
    expect([fixed.inserted, fixed.replaced, fixed.quarantined]).toEqual([0, 1, 0]);
    expect(await counted(wh)).toEqual(["T-1", "T-3"]);
    const t1 = await wh.all<{ resolution: string }>("SELECT resolution FROM meta.quarantine WHERE value = 'critical'");
    expect(t1[0]!.resolution).toMatch(/^superseded: a good copy of this record at least as new is loaded \(batch \d+\)/);

    // the roster that names Z9 releases T-2 (re-checked, nothing read again)
    const r2 = await loadFile(wh, { file: roster([["A1", "Ann"], ["A2", "Bo"], ["Z9", "Zed"]]), source: "roster", mapping: loadMapping("canonical/agents") });
    expect(r2.rechecked).toEqual({ checked: 1, resolved: 1, fixed: 1 });
    expect(await counted(wh)).toEqual(["T-1", "T-2", "T-3"]);
    expect((await wh.one<{ assignee_id: string }>("SELECT assignee_id FROM raw.tickets WHERE ticket_id = 'T-2' AND _current"))!.assignee_id).toBe("Z9");
    const after = await readStatus(wh);
    expect(after.held.tickets).toBe(0);
    expect(after.quarantine.rows).toBe(0);
    expect(await publishedSources(wh)).toEqual([
      { source: "roster", rows_quarantined: 0, tickets_held_out: null },
      { source: "tickets", rows_quarantined: 0, tickets_held_out: 0 },
    ]);
  });
}, 60_000);

it("orders statuses in the held-out model as the contract does", async () => {
  const { TICKET_STATUS_RANK } = await import("../../core/contracts/tables.ts");
  const { heldTicketsSql } = await import("../../pipelines/status.ts");
  const sql = heldTicketsSql();
  for (const [status, rank] of Object.entries(TICKET_STATUS_RANK)) expect(sql).toContain(`when '${status}' then ${rank}`);
});
