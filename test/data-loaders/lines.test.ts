/**
 * Quarantine lines are the lines a user's editor shows (issue 11, item 2): exact after quoted fields that hold line
 * breaks, blank lines and CRLF line ends, deep in a large file, the same from load to load; NDJSON rows have their
 * line too.
 */
import { expect, it } from "vitest";
import { loadFile } from "../../data-loaders/ingest/load-file.ts";
import { loadMapping, Mapping } from "../../data-loaders/mappings/schema.ts";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { csv, withWarehouse, writeFile } from "../helpers/warehouse.ts";

const ROSTER = csv(["agent_id", "display_name", "team", "department", "hire_date"], [["A1", "Ann", "T1", "S", "2025-01-01"], ["A2", "Bo", "T1", "S", "2025-01-01"]]);

interface Planted {
  line: number;
  record: number;
  field: string;
}

/**
 * A 100,000-record ticket export written as a helpdesk writes it: CRLF line ends, a subject with line breaks in
 * quotes every 7th record (some with a blank line inside), a blank line after every 500th record, and bad rows
 * planted right after multi-line fields and blank lines. Returns the text and where each bad row starts.
 */
function bigExport(): { text: string; planted: Planted[] } {
  const out: string[] = ["ticket_id,created_at,status,priority,assignee_id,reopen_count,subject"];
  let line = 2; // the physical line the next record starts on
  const planted: Planted[] = [];
  const bad: Record<number, { row: (i: number) => string; field: string }> = {
    8: { row: (i) => `T-${i},2026-03-01 10:00:00,open,normal,A1,-4,after a multi-line subject`, field: "reopen_count" },
    501: { row: (i) => `T-${i},2026-03-01 10:00:00,open,normal,A9,0,after a blank line`, field: "assignee_id" },
    22050: { row: (i) => `T-${i},2026-03-01 10:00:00,open`, field: "(row)" },
    49001: { row: (i) => `T-${i},not a date,open,normal,A1,0,"its own subject\r\nspans two lines"`, field: "created_at" },
    63001: { row: (i) => `T-${i},2026-03-01 10:00:00,open,normal,A1,0,x,one too many`, field: "(row)" },
    99995: { row: (i) => `T-${i},2026-03-01 10:00:00,reopened,normal,A2,0,near the end`, field: "status" },
  };
  for (let i = 1; i <= 100_000; i++) {
    let row: string;
    if (bad[i]) {
      row = bad[i]!.row(i);
      planted.push({ line, record: i, field: bad[i]!.field });
    } else if (i % 7 === 0) {
      row = `T-${i},2026-03-01 10:00:00,open,normal,A${(i % 2) + 1},0,"printer, ""tray 2""\r\n${i % 14 === 0 ? "\r\n" : ""}still jams"`;
    } else {
      row = `T-${i},2026-03-01 10:00:00,open,normal,A${(i % 2) + 1},0,plain subject ${i}`;
    }
    out.push(row);
    line += row.split("\r\n").length;
    if (i % 500 === 0) {
      out.push("");
      line += 1;
    }
  }
  return { text: `${out.join("\r\n")}\r\n`, planted };
}

async function quarantined(wh: Warehouse, batchId: number | null): Promise<Planted[]> {
  return wh.all<Planted>("SELECT line, record, field FROM meta.quarantine WHERE batch_id = $b ORDER BY line, field", { b: batchId });
}

it("names the physical line of every bad row in a 100k-record CSV with quoted line breaks, blank lines and CRLF", async () => {
  await withWarehouse(async (wh, dir) => {
    await loadFile(wh, { file: writeFile(dir, "roster.csv", ROSTER), source: "roster", mapping: loadMapping("canonical/agents") });
    const { text, planted } = bigExport();
    const file = writeFile(dir, "tickets.csv", text);
    const m = loadMapping("canonical/tickets");
    const first = await loadFile(wh, { file, source: "tickets", mapping: m });
    expect(first.rowsRead).toBe(100_000);
    expect(first.inserted).toBe(100_000 - planted.length);
    const got = await quarantined(wh, first.batchId);
    expect(got).toEqual(planted);
    // the lines are where the text says
    const lines = text.split("\r\n");
    for (const p of planted) expect(lines[p.line - 1]).toMatch(new RegExp(`^T-${p.record},`));
    // and the same on the next load
    const again = await loadFile(wh, { file, source: "tickets", mapping: m, force: true });
    expect(await quarantined(wh, again.batchId)).toEqual(planted);
    expect(first.problems[0]).toContain(`line ${planted[0]!.line}, field reopen_count`);
  });
}, 120_000);

it("keeps record numbers right when an agent is matched by name (the roster lookup reorders rows)", async () => {
  await withWarehouse(async (wh, dir) => {
    await loadFile(wh, { file: writeFile(dir, "roster.csv", ROSTER), source: "roster", mapping: loadMapping("canonical/agents") });
    const lines = ["Id,Created at,Status,Priority,Assignee"];
    for (let i = 1; i <= 30_000; i++) lines.push(`${i},2026-03-01 10:00:00,Open,Normal,${i === 17_777 ? "Nobody" : i % 2 ? "Ann" : "Bo"}`);
    const s = await loadFile(wh, {
      file: writeFile(dir, "zd.csv", `${lines.join("\n")}\n`),
      source: "zendesk",
      mapping: {
        ...Mapping.parse({
          table: "tickets",
          format: "csv",
          agent_match: ["display_name"],
          columns: { ticket_id: "Id", created_at: "Created at", status: { column: "Status", values: { Open: "open" } }, priority: { column: "Priority", values: { Normal: "normal" } }, assignee_id: "Assignee" },
        }),
        name: "by-name",
      },
    });
    expect(await quarantined(wh, s.batchId)).toEqual([{ line: 17_778, record: 17_777, field: "assignee_id" }]);
  });
}, 60_000);

it("gives NDJSON rows their line: blank lines, CRLF, a malformed line, bad values", async () => {
  await withWarehouse(async (wh, dir) => {
    await loadFile(wh, { file: writeFile(dir, "roster.csv", ROSTER), source: "roster", mapping: loadMapping("canonical/agents") });
    const out: string[] = [];
    const planted: Array<{ line: number; field: string }> = [];
    for (let i = 1; i <= 5_000; i++) {
      let row = JSON.stringify({ response_id: `R-${i}`, agent: i % 2 ? "A1" : "A2", submitted: "2026-03-02T02:00:00Z", rating: 5 });
      if (i === 1234) row = `{"response_id": "R-${i}", oops`;
      if (i === 2345) row = JSON.stringify({ response_id: `R-${i}`, agent: "A1", submitted: "2026-03-02T02:00:00Z", rating: 9 });
      if (i === 3456) row = JSON.stringify({ response_id: `R-${i}`, agent: "Z9", submitted: "2026-03-02T02:00:00Z", rating: 4 });
      out.push(row);
      const line = out.length;
      if (i === 1234) planted.push({ line, field: "(row)" });
      if (i === 2345) planted.push({ line, field: "score" });
      if (i === 3456) planted.push({ line, field: "agent_id" });
      if (i % 1000 === 0) out.push("", "   ");
    }
    const s = await loadFile(wh, { file: writeFile(dir, "csat.ndjson", `${out.join("\r\n")}\r\n`), source: "csat", mapping: loadMapping("demo/csat") });
    const q = await wh.all<{ line: number; field: string }>("SELECT line, field FROM meta.quarantine WHERE batch_id = $b ORDER BY line", { b: s.batchId });
    expect(q).toEqual(planted);
  });
});
