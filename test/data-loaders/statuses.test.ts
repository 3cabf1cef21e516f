/**
 * Deleted, spam and merged tickets (issue 11, item 4) are canonical statuses, the shipped mappings know them, and
 * they never count: not as resolved, not in any rate, not as work held.
 */
import path from "node:path";
import { expect, it } from "vitest";
import { loadFile } from "../../data-loaders/ingest/load-file.ts";
import { loadMapping } from "../../data-loaders/mappings/schema.ts";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { runModels } from "../../pipelines/run.ts";
import { loadSchemes } from "../../pipelines/scheme/load.ts";
import { GOLDEN_SCHEME } from "../helpers/department.ts";
import { withWarehouse, writeFile } from "../helpers/warehouse.ts";

const FIXTURE = path.join(import.meta.dirname, "..", "fixtures", "zendesk");

async function counted(wh: Warehouse) {
  await runModels(wh, loadSchemes(GOLDEN_SCHEME));
  return {
    staged: (await wh.all<{ ticket_id: string }>("SELECT ticket_id FROM int.tickets_credited ORDER BY ticket_id")).map((r) => r.ticket_id),
    resolved: Number(await wh.value("SELECT coalesce(sum(value), 0) FROM mart.agent_metrics WHERE metric = 'tickets_resolved' AND period = '2026-03'")),
  };
}

it("reads a Zendesk CSV export's deleted, merged (closed_by_merge) and spam tickets, and counts none of them", async () => {
  await withWarehouse(async (wh) => {
    await loadFile(wh, { file: path.join(FIXTURE, "roster.csv"), source: "roster", mapping: loadMapping("canonical/agents") });
    const s = await loadFile(wh, { file: path.join(FIXTURE, "tickets-removed.csv"), source: "zendesk", mapping: loadMapping("zendesk-tickets-csv") });
    expect([s.rowsRead, s.inserted, s.quarantined]).toEqual([4, 4, 0]);
    const statuses = await wh.all<{ ticket_id: string; status: string }>("SELECT ticket_id, status FROM raw.tickets WHERE _current ORDER BY ticket_id");
    expect(statuses).toEqual([
      { ticket_id: "ZD-48301", status: "resolved" },
      { ticket_id: "ZD-48302", status: "merged" },
      { ticket_id: "ZD-48303", status: "spam" },
      { ticket_id: "ZD-48304", status: "deleted" },
    ]);
    expect(await counted(wh)).toEqual({ staged: ["ZD-48301"], resolved: 1 });
  });
});

it("reads the Zendesk API's deleted status and merge and spam tags, and a Jira issue resolved as a duplicate", async () => {
  await withWarehouse(async (wh, dir) => {
    await loadFile(wh, { file: path.join(FIXTURE, "roster.csv"), source: "roster", mapping: loadMapping("canonical/agents") });
    const ticket = (id: number, status: string, tags: string[]) =>
      JSON.stringify({
        id,
        created_at: "2026-03-09T01:00:00Z",
        updated_at: "2026-03-09T04:00:00Z",
        status,
        priority: "normal",
        assignee_id: 0,
        tags,
        metric_set: { solved_at: status === "solved" || status === "closed" ? "2026-03-09T04:00:00Z" : null, reopens: 0 },
      }).replace('"assignee_id":0', '"assignee_id":"mlopez"');
    const zd = writeFile(dir, "zendesk.ndjson", [ticket(1, "solved", ["vpn"]), ticket(2, "closed", ["closed_by_merge"]), ticket(3, "solved", ["spam"]), ticket(4, "deleted", [])].join("\n"));
    const s = await loadFile(wh, { file: zd, source: "zendesk", mapping: loadMapping("zendesk-api/tickets") });
    expect(s.problems).toEqual([]);
    const issue = (key: string, resolution: string | null) =>
      JSON.stringify({ key, created: "2026-03-09T01:00:00Z", updated: "2026-03-09T04:00:00Z", resolutiondate: "2026-03-09T04:00:00Z", status_category: "done", resolution, assignee: "cjie" });
    const jira = writeFile(dir, "jira.ndjson", [issue("SD-1", "Done"), issue("SD-2", "Duplicate")].join("\n"));
    const j = await loadFile(wh, { file: jira, source: "jira", mapping: loadMapping("jira-api/issues") });
    expect(j.problems).toEqual([]);
    const statuses = await wh.all<{ ticket_id: string; status: string }>("SELECT ticket_id, status FROM raw.tickets WHERE _current ORDER BY ticket_id");
    expect(statuses).toEqual([
      { ticket_id: "SD-1", status: "resolved" },
      { ticket_id: "SD-2", status: "merged" },
      { ticket_id: "ZD-1", status: "resolved" },
      { ticket_id: "ZD-2", status: "merged" },
      { ticket_id: "ZD-3", status: "spam" },
      { ticket_id: "ZD-4", status: "deleted" },
    ]);
    expect((await counted(wh)).staged).toEqual(["SD-1", "ZD-1"]);
  });
});
