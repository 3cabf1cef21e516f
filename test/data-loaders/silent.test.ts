/**
 * No silent zeros, no misleading messages (issue 11, item 11): a JSON records_path that points at an object or at
 * nothing is an error, not "0 read"; a duplicate roster id names the lines of both copies; a row far longer than a
 * row may be is reported as too long, at its line, not as broken quoting.
 */
import { createWriteStream, rmSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { loadFile } from "../../data-loaders/ingest/load-file.ts";
import { loadMapping, Mapping } from "../../data-loaders/mappings/schema.ts";
import { csv, withWarehouse, writeFile } from "../helpers/warehouse.ts";

const trainings = (recordsPath: string, format: "json" | "ndjson" = "json") => ({
  ...Mapping.parse({
    table: "trainings",
    format,
    records_path: recordsPath,
    columns: { record_id: "id", agent_id: "employee_no", completed_on: "completed", hours: "hours" },
  }),
  name: `lms-${format}-${recordsPath}`,
});

it("refuses a JSON file whose records_path points at an object or at nothing, instead of reading 0 records", async () => {
  await withWarehouse(async (wh, dir) => {
    await loadFile(wh, {
      file: writeFile(dir, "roster.csv", csv(["agent_id", "display_name", "team", "department", "hire_date"], [["A1", "Ann", "T1", "S", "2025-01-01"]])),
      source: "roster",
      mapping: loadMapping("canonical/agents"),
    });
    const doc = JSON.stringify({ data: { items: [{ id: "TR-1", employee_no: "A1", completed: "2026-03-01", hours: 3 }] } });
    const file = writeFile(dir, "lms.json", doc);
    const object = await loadFile(wh, { file, source: "lms", mapping: trainings("$.data") });
    expect(object.status).toBe("failed");
    expect(object.message).toBe(
      `${file}: records_path $.data points at object, not a list of records; nothing loaded. Fix records_path in the mapping (the path to the list, for example $.data.items)`,
    );
    const nothing = await loadFile(wh, { file, source: "lms", mapping: trainings("$.records") });
    expect(nothing.status).toBe("failed");
    expect(nothing.message).toMatch(/records_path \$\.records finds nothing in the document, not a list of records; nothing loaded/);
    // the right path reads the record; an empty list is a file with no records, which is fine
    expect((await loadFile(wh, { file, source: "lms", mapping: trainings("$.data.items") })).inserted).toBe(1);
    const empty = await loadFile(wh, { file: writeFile(dir, "empty.json", '{"data": {"items": []}}'), source: "lms", mapping: trainings("$.data.items") });
    expect([empty.status, empty.rowsRead]).toEqual(["loaded", 0]);
    // NDJSON: a line without the list is reported with its line
    const lines = [JSON.stringify({ data: { items: [{ id: "TR-2", employee_no: "A1", completed: "2026-03-02", hours: 2 }] } }), JSON.stringify({ data: { error: "rate limited" } })];
    const nd = await loadFile(wh, { file: writeFile(dir, "lms.ndjson", `${lines.join("\n")}\n`), source: "lms", mapping: trainings("$.data.items", "ndjson") });
    expect([nd.status, nd.inserted, nd.quarantined]).toEqual(["loaded", 1, 1]);
    expect(nd.problems.join("\n")).toMatch(/lms\.ndjson line 2, field \(row\): records_path \$\.data\.items is not in this line/);
  });
});

it("names the lines of both copies of a duplicate roster id, after a bad first row and blank lines", async () => {
  await withWarehouse(async (wh, dir) => {
    const text = [
      "工号,姓名,部门,团队,岗位,入职日期",
      "E1000,赵磊,技术支持部,一线支持一组,技术支持工程师,不详",
      "E1001,王芳,技术支持部,一线支持一组,技术支持工程师,2024/03/15",
      "",
      "E1002,李娜,技术支持部,二线技术组,组长,2023/11/01",
      "E1003,周敏,技术支持部,一线支持一组,技术支持工程师,2025/01/06",
      "",
      "E1002,李娜,技术支持部,一线支持一组,组长,2023/11/01",
      "E1004,陈强,技术支持部,一线支持一组,技术支持工程师,2025/02/17",
    ].join("\r\n");
    const file = writeFile(dir, "roster.csv", `${text}\r\n`, "gbk");
    const s = await loadFile(wh, { file, source: "roster", mapping: loadMapping("demo/roster") });
    expect([s.inserted, s.quarantined]).toEqual([4, 2]);
    const q = await wh.all<{ line: number; field: string; reason: string; related_line: number }>(
      "SELECT line, field, reason, related_line FROM meta.quarantine WHERE batch_id = $b ORDER BY line",
      {
      b: s.batchId,
    });
    expect(q[0]).toMatchObject({ line: 2, field: "hire_date" });
    // the two copies of E1002 differ (the team); one is kept, the other is quarantined naming where the kept one is
    const dup = q[1]!;
    expect(dup.field).toBe("agent_id");
    expect([5, 8]).toContain(dup.line);
    expect(dup.reason).toBe("duplicate agent_id in this file; the other copy was kept");
    expect(dup.related_line).toBe(dup.line === 5 ? 8 : 5);
  });
});

it("reports a row longer than DuckDB's read buffer as too long, at its line, and keeps the rows around it", async () => {
  await withWarehouse(async (wh, dir) => {
    await loadFile(wh, {
      file: writeFile(dir, "roster.csv", csv(["agent_id", "display_name", "team", "department", "hire_date"], [["A1", "Ann", "T1", "S", "2025-01-01"]])),
      source: "roster",
      mapping: loadMapping("canonical/agents"),
    });
    // a 136 MiB quoted field (a mail body pasted whole): longer than the 128 MiB DuckDB read at a time before
    const file = path.join(dir, "huge.csv");
    const out = createWriteStream(file);
    out.write('ticket_id,created_at,status,priority,assignee_id,subject\nT-1,2026-03-01 10:00:00,open,normal,A1,ok\nT-2,2026-03-01 10:00:00,open,normal,A1,"');
    const mib = "y".repeat(1024 * 1024);
    for (let i = 0; i < 136; i++) out.write(mib);
    out.write('"\nT-3,2026-03-01 10:00:00,open,normal,A1,ok\n');
    await new Promise((resolve) => out.end(resolve));
    try {
      const s = await loadFile(wh, { file, source: "t", mapping: loadMapping("canonical/tickets") });
      expect([s.rowsRead, s.inserted, s.quarantined]).toEqual([3, 2, 1]);
      expect(s.problems).toHaveLength(1);
      // the operator's terminal shows the start of the row after the reason
      expect(s.problems[0]!.startsWith(`${file} line 3, field (row): the row is longer than 8 MiB (a huge field?): 136.0 MiB; split or trim it (got "T-2,`)).toBe(true);
    } finally {
      rmSync(file, { force: true });
    }
  });
}, 120_000);
