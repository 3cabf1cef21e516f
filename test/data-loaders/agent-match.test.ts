/**
 * Matching agent references to the roster (issue 11, items 7 and 9): ids in capitals match on every path (both sides
 * are compared lower-cased, the roster's id is kept); a name two roster entries share is quarantined naming both,
 * never credited to the first; agent_match can prefer another column of the export (an email, an id).
 */
import { expect, it } from "vitest";
import { loadFile } from "../../data-loaders/ingest/load-file.ts";
import { loadMapping, Mapping } from "../../data-loaders/mappings/schema.ts";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { csv, withWarehouse, writeFile } from "../helpers/warehouse.ts";

const ROSTER = csv(
  ["agent_id", "display_name", "email", "helpdesk_login", "team", "department", "hire_date"],
  [
    ["E1001", "王伟", "wang.wei@support.example.com", "wwei", "一线支持一组", "技术支持部", "2024-03-01"],
    ["E1002", "王伟", "wei.wang2@support.example.com", "wwang2", "二线技术组", "技术支持部", "2025-06-01"],
    ["E1003", "李娜", "li.na@support.example.com", "lina", "一线支持一组", "技术支持部", "2023-11-01"],
  ],
);

const mapping = (columns: Record<string, unknown>, agentMatch: string[]) => ({
  ...Mapping.parse({ table: "tickets", format: "csv", missing_columns: "null", agent_match: agentMatch, columns }),
  name: `test-${agentMatch.join("-")}`,
});

const TICKET_COLUMNS = { ticket_id: "Id", created_at: "Created at", status: "Status", priority: { column: "Priority", default: "normal" }, assignee_id: "Assignee" };

async function withRoster(fn: (wh: Warehouse, dir: string) => Promise<void>): Promise<void> {
  await withWarehouse(async (wh, dir) => {
    const r = await loadFile(wh, { file: writeFile(dir, "roster.csv", ROSTER), source: "roster", mapping: loadMapping("canonical/agents") });
    expect(r.inserted).toBe(3);
    await fn(wh, dir);
  });
}

const assignees = (wh: Warehouse) =>
  wh.all<{ ticket_id: string; assignee_id: string }>("SELECT ticket_id, assignee_id FROM raw.tickets WHERE _current ORDER BY ticket_id");

it("matches roster ids in capitals, whatever else agent_match lists, and keeps the roster's spelling", async () => {
  await withRoster(async (wh, dir) => {
    const file = writeFile(
      dir,
      "t.csv",
      csv(["Id", "Created at", "Status", "Assignee"], [["T-1", "2026-03-02 09:00", "open", "E1001"], ["T-2", "2026-03-02 09:00", "open", "e1003"], ["T-3", "2026-03-02 09:00", "open", "li.na@support.example.com"]]),
    );
    const s = await loadFile(wh, { file, source: "t", mapping: mapping(TICKET_COLUMNS, ["email", "agent_id"]) });
    expect(s.message).toBeUndefined();
    expect(s.problems.join("\n")).toBe("");
    expect(await assignees(wh)).toEqual([
      { ticket_id: "T-1", assignee_id: "E1001" },
      { ticket_id: "T-2", assignee_id: "E1003" },
      { ticket_id: "T-3", assignee_id: "E1003" },
    ]);
    // by id alone too
    const ids = writeFile(dir, "ids.csv", csv(["Id", "Created at", "Status", "Assignee"], [["T-4", "2026-03-02 09:00", "open", "E1002"], ["T-5", "2026-03-02 09:00", "open", "e1002"]]));
    const s2 = await loadFile(wh, { file: ids, source: "t", mapping: mapping(TICKET_COLUMNS, ["agent_id"]) });
    expect([s2.inserted, s2.quarantined]).toEqual([2, 0]);
    expect((await assignees(wh)).slice(3)).toEqual([
      { ticket_id: "T-4", assignee_id: "E1002" },
      { ticket_id: "T-5", assignee_id: "E1002" },
    ]);
  });
});

it("quarantines a name two roster entries share, naming both, and credits nobody", async () => {
  await withRoster(async (wh, dir) => {
    const file = writeFile(
      dir,
      "zendesk.csv",
      csv(["Id", "Created at", "Status", "Assignee"], [["T-1", "2026-03-02 09:00", "open", "王伟"], ["T-2", "2026-03-02 09:00", "open", "李娜"]]),
    );
    const s = await loadFile(wh, { file, source: "zendesk", mapping: mapping(TICKET_COLUMNS, ["display_name", "helpdesk_login", "email", "agent_id"]) });
    expect([s.inserted, s.quarantined]).toEqual([1, 1]);
    expect(s.problems.join("\n")).toMatch(
      /zendesk\.csv line 2, field assignee_id: ambiguous agent: 2 roster entries match on display_name \(E1001, E1002\).*\(got "王伟"\)/,
    );
    expect(await assignees(wh)).toEqual([{ ticket_id: "T-2", assignee_id: "E1003" }]);
  });
});

it("prefers another column of the export to match on (match:), and falls back to the name", async () => {
  await withRoster(async (wh, dir) => {
    const file = writeFile(
      dir,
      "export.csv",
      csv(
        ["Id", "Created at", "Status", "Assignee", "Assignee email"],
        [
          ["T-1", "2026-03-02 09:00", "open", "王伟", "Wei.Wang2@support.example.com"],
          ["T-2", "2026-03-02 09:00", "open", "王伟", "wang.wei@support.example.com"],
          ["T-3", "2026-03-02 09:00", "open", "李娜", ""],
          ["T-4", "2026-03-02 09:00", "open", "王伟", ""],
          ["T-5", "2026-03-02 09:00", "open", "Someone", "someone@else.example"],
        ],
      ),
    );
    const m = mapping({ ...TICKET_COLUMNS, assignee_id: { column: "Assignee", match: { email: "Assignee email" } } }, ["email", "display_name"]);
    const s = await loadFile(wh, { file, source: "t", mapping: m });
    expect(await assignees(wh)).toEqual([
      { ticket_id: "T-1", assignee_id: "E1002" },
      { ticket_id: "T-2", assignee_id: "E1001" },
      { ticket_id: "T-3", assignee_id: "E1003" },
    ]);
    const q = await wh.all<{ line: number; reason: string; value: string }>("SELECT line, reason, value FROM meta.quarantine WHERE batch_id = $b ORDER BY line", {
      b: s.batchId,
    });
    expect(q.map((x) => [x.line, x.value])).toEqual([
      [5, "王伟"],
      [6, "someone@else.example"],
    ]);
    expect(q[0]!.reason).toMatch(/^ambiguous agent: 2 roster entries match on display_name \(E1001, E1002\)/);
    expect(q[1]!.reason).toMatch(/^unknown agent: not in the roster \(matched on email, display_name\)/);
  });
});

it("refuses match: on a field that is not an agent reference, or on a roster column agent_match does not list", () => {
  expect(() => mapping({ ...TICKET_COLUMNS, queue: { column: "Group", match: { email: "x" } } }, ["email"])).toThrow(/match is for agent references/);
  expect(() => mapping({ ...TICKET_COLUMNS, assignee_id: { column: "Assignee", match: { email: "Assignee email" } } }, ["display_name"])).toThrow(
    /'email' is not in agent_match \(display_name\)/,
  );
});
