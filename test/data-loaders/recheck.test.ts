/**
 * Quarantined rows are looked at again when what they depend on changes (issue 11, item 10): fix the roster and
 * ingest again (no --force) and the rows quarantined as "unknown agent" come into force; fix a mapping and the files
 * it reads are read again; --force never grows the quarantine. The quarantine shows what is still open.
 */
import { writeFileSync } from "node:fs";
import { expect, it } from "vitest";
import { ingestSources } from "../../data-loaders/ingest/ingest.ts";
import type { FileSource } from "../../core/config/app.ts";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { readStatus } from "../../pipelines/status.ts";
import { csv, testConfig, withWarehouse, writeFile } from "../helpers/warehouse.ts";

const RHEAD = ["agent_id", "display_name", "team", "department", "hire_date"];
const roster = (names: Array<[string, string]>) => csv(RHEAD, names.map(([id, name]) => [id, name, "T1", "Support", "2024-01-01"]));
const THEAD = ["ticket_id", "created_at", "resolved_at", "status", "priority", "assignee"];

/** 30 tickets a month for three months; a third of them assigned to 周敏 and 陈强, whom the first roster lacks. */
function ticketMonth(month: number): string {
  const rows: Array<Array<string | null>> = [];
  for (let i = 1; i <= 30; i++) {
    const day = String(1 + (i % 27)).padStart(2, "0");
    rows.push([`T-${month}-${i}`, `2026-0${month}-${day} 09:00`, `2026-0${month}-${day} 15:00`, i % 5 === 0 ? "Hold" : "Solved", "normal", ["王芳", "李娜", "周敏", "陈强", "王芳", "李娜"][i % 6]!]);
  }
  return csv(THEAD, rows);
}

const MAPPING = `table: tickets
format: csv
agent_match: [display_name, agent_id]
columns:
  ticket_id: ticket_id
  created_at: created_at
  resolved_at: resolved_at
  status: { column: status, values: { Solved: resolved, Open: open } }
  priority: priority
  assignee_id: assignee
`;

async function openProblems(wh: Warehouse) {
  const s = await readStatus(wh);
  return { open: s.quarantine.rows, resolved: s.quarantine.resolved };
}
const inForce = async (wh: Warehouse) => Number(await wh.value("SELECT count(*) FROM raw.tickets WHERE _current"));
const versions = async (wh: Warehouse) => Number(await wh.value("SELECT count(*) FROM raw.tickets WHERE NOT _bad"));

it("re-checks rows quarantined for unknown agents when the roster is fixed, and --force never counts them twice", async () => {
  await withWarehouse(async (wh, dir) => {
    writeFile(dir, "hr/roster.csv", roster([["E1", "王芳"], ["E2", "李娜"]]));
    for (const m of [3, 4, 5]) writeFile(dir, `helpdesk/tickets-2026-0${m}.csv`, ticketMonth(m));
    writeFile(dir, "mappings/tickets.yaml", MAPPING.replace("Open: open", "Open: open, Hold: on_hold"));
    const sources: FileSource[] = [
      { name: "roster", path: "hr/roster.csv", mapping: "canonical/agents" },
      { name: "tickets", path: "helpdesk/tickets-*.csv", mapping: "mappings/tickets.yaml" },
    ];
    const cfg = testConfig(dir, sources);

    const first = await ingestSources(wh, cfg);
    expect(first.errors).toEqual([]);
    expect(await inForce(wh)).toBe(60);
    // each of the 30 rows: the unknown agent, and so nobody to credit its resolution
    expect(await openProblems(wh)).toEqual({ open: 60, resolved: 0 });
    // forced before the fix: the same problems, reported once
    await ingestSources(wh, cfg, undefined, { force: true });
    expect(await openProblems(wh)).toEqual({ open: 60, resolved: 60 });
    expect(await inForce(wh)).toBe(60);

    // the roster is fixed; the ticket files are unchanged and not read again
    writeFile(dir, "hr/roster.csv", roster([["E1", "王芳"], ["E2", "李娜"], ["E3", "周敏"], ["E4", "陈强"]]));
    const fixed = await ingestSources(wh, cfg);
    expect(fixed.batches.map((b) => [b.source, b.status])).toEqual([
      ["roster", "loaded"],
      ["tickets", "skipped"],
      ["tickets", "skipped"],
      ["tickets", "skipped"],
    ]);
    expect(fixed.batches[0]!.rechecked).toEqual({ checked: 30, resolved: 30, fixed: 30 });
    expect(await inForce(wh)).toBe(90);
    expect(await versions(wh)).toBe(90);
    expect((await openProblems(wh)).open).toBe(0);
    const assignees = await wh.all<{ assignee_id: string; n: number }>(
      "SELECT assignee_id, count(*)::INT AS n FROM raw.tickets WHERE _current GROUP BY ALL ORDER BY ALL",
    );
    expect(assignees).toEqual([
      { assignee_id: "E1", n: 30 },
      { assignee_id: "E2", n: 30 },
      { assignee_id: "E3", n: 15 },
      { assignee_id: "E4", n: 15 },
    ]);
    const how = await wh.all<{ resolution: string; n: number }>(
      "SELECT regexp_replace(resolution, 'batch \\d+', 'batch N') AS resolution, count(*)::INT AS n FROM meta.quarantine GROUP BY ALL ORDER BY ALL",
    );
    expect(how).toEqual([
      { resolution: "re-checked after roster batch N: the roster now names the agent", n: 60 },
      { resolution: "reported again by batch N: the same file loaded again", n: 60 },
    ]);

    // --force after the fix: nothing comes back, nothing is counted twice
    const forced = await ingestSources(wh, cfg, undefined, { force: true });
    expect(forced.batches.every((b) => b.status === "loaded" && b.inserted === 0 && b.replaced === 0)).toBe(true);
    expect([await inForce(wh), await versions(wh)]).toEqual([90, 90]);
    expect((await openProblems(wh)).open).toBe(0);
  });
}, 60_000);

it("re-checks an ambiguous name when the roster tells the two apart", async () => {
  await withWarehouse(async (wh, dir) => {
    writeFile(dir, "roster.csv", roster([["E1", "王伟"], ["E2", "王伟"], ["E3", "李娜"]]));
    writeFile(dir, "tickets.csv", csv(THEAD, [["T-1", "2026-03-02 09:00", "2026-03-02 10:00", "Solved", "normal", "王伟"], ["T-2", "2026-03-02 09:00", "2026-03-02 10:00", "Solved", "normal", "李娜"]]));
    writeFile(dir, "tickets.yaml", MAPPING);
    const cfg = testConfig(dir, [
      { name: "roster", path: "roster.csv", mapping: "canonical/agents" },
      { name: "tickets", path: "tickets.csv", mapping: "tickets.yaml" },
    ]);
    await ingestSources(wh, cfg);
    expect(await inForce(wh)).toBe(1);
    const open = await wh.one<{ reason: string; value: string }>("SELECT reason, value FROM meta.quarantine WHERE resolved_at IS NULL");
    expect(open?.reason).toMatch(/^ambiguous agent: 2 roster entries match on display_name \(E1, E2\)/);
    expect(open?.value).toBe("王伟");
    // HR tells them apart (the second is 王伟 (B) on the boards)
    writeFile(dir, "roster.csv", roster([["E1", "王伟"], ["E2", "王伟（二线）"], ["E3", "李娜"]]));
    await ingestSources(wh, cfg);
    expect(await wh.all("SELECT ticket_id, assignee_id FROM raw.tickets WHERE _current ORDER BY ticket_id")).toEqual([
      { ticket_id: "T-1", assignee_id: "E1" },
      { ticket_id: "T-2", assignee_id: "E3" },
    ]);
    expect((await openProblems(wh)).open).toBe(0);
  });
});

it("reads a file again when its mapping changes: the rows it could not read come in, the old ones are replaced", async () => {
  await withWarehouse(async (wh, dir) => {
    writeFile(dir, "roster.csv", roster([["E1", "王芳"], ["E2", "李娜"], ["E3", "周敏"], ["E4", "陈强"]]));
    writeFile(dir, "tickets-2026-03.csv", ticketMonth(3));
    const mappingFile = writeFile(dir, "tickets.yaml", MAPPING);
    const cfg = testConfig(dir, [
      { name: "roster", path: "roster.csv", mapping: "canonical/agents" },
      { name: "tickets", path: "tickets-*.csv", mapping: "tickets.yaml" },
    ]);
    await ingestSources(wh, cfg);
    // "Hold" is not in the mapping's status values
    expect(await inForce(wh)).toBe(24);
    expect((await openProblems(wh)).open).toBe(6);
    expect(await wh.all("SELECT DISTINCT reason, value FROM meta.quarantine")).toEqual([
      { reason: "expected one of new, open, pending, on_hold, resolved, closed, deleted, spam, merged", value: "Hold" },
    ]);

    // a description changes nothing
    writeFileSync(mappingFile, `description: the helpdesk's monthly export\n${MAPPING}`);
    expect((await ingestSources(wh, cfg)).batches.map((b) => b.status)).toEqual(["skipped", "skipped"]);

    writeFileSync(mappingFile, MAPPING.replace("Open: open", "Open: open, Hold: on_hold"));
    const again = await ingestSources(wh, cfg);
    expect(again.batches.map((b) => [b.source, b.status])).toEqual([
      ["roster", "skipped"],
      ["tickets", "loaded"],
    ]);
    expect([await inForce(wh), await versions(wh)]).toEqual([30, 30]);
    expect(Number(await wh.value("SELECT count(DISTINCT _batch_id) FROM raw.tickets"))).toBe(1);
    expect(await openProblems(wh)).toEqual({ open: 0, resolved: 6 });
    expect(await wh.value("SELECT DISTINCT regexp_replace(resolution, '\\d+', 'N') FROM meta.quarantine")).toBe(
      "reported again by batch N: the same file loaded again under a changed mapping",
    );
  });
});

it("settles an unreadable file's line once the file is read", async () => {
  await withWarehouse(async (wh, dir) => {
    writeFile(dir, "roster.csv", roster([["E1", "王芳"]]));
    writeFile(dir, "tickets.csv", csv(["ticket_id", "created_at"], [["T-1", "2026-03-02 09:00"]]));
    writeFile(dir, "tickets.yaml", MAPPING);
    const cfg = testConfig(dir, [
      { name: "roster", path: "roster.csv", mapping: "canonical/agents" },
      { name: "tickets", path: "tickets.csv", mapping: "tickets.yaml" },
    ]);
    const first = await ingestSources(wh, cfg);
    expect(first.errors.join("\n")).toMatch(/missing columns 'resolved_at', 'status', 'priority', 'assignee'/);
    expect((await openProblems(wh)).open).toBe(1);
    writeFile(dir, "tickets.csv", csv(THEAD, [["T-1", "2026-03-02 09:00", "2026-03-02 10:00", "Solved", "normal", "王芳"]]));
    expect((await ingestSources(wh, cfg)).errors).toEqual([]);
    expect(await openProblems(wh)).toEqual({ open: 0, resolved: 1 });
  });
});
