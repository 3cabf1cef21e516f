/**
 * Idempotence and versions: ingest twice and run twice give identical tables; a newer version of a ticket replaces
 * the older, an older copy changes nothing; record numbers stay exact deep inside a large file.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestSources } from "../../data-loaders/ingest/ingest.ts";
import { loadFile } from "../../data-loaders/ingest/load-file.ts";
import { loadMapping } from "../../data-loaders/mappings/schema.ts";
import { DEMO_SOURCES } from "../../core/config/app.ts";
import type { Warehouse as WarehouseType } from "../../core/db/warehouse.ts";
import { Warehouse } from "../../core/db/warehouse.ts";
import { generateDemo } from "../../pipelines/demo/generate.ts";
import { runModels } from "../../pipelines/run.ts";
import { loadSchemes } from "../../pipelines/scheme/load.ts";
import { csv, tempDir, testConfig, TZ, withWarehouse, writeFile } from "../helpers/warehouse.ts";

const SCHEMES = path.join(import.meta.dirname, "..", "..", "schemes");

/** A fingerprint of every raw and mart table: row count and an order-independent hash of the rows. */
async function fingerprint(wh: WarehouseType): Promise<Record<string, string>> {
  const tables = await wh.all<{ s: string; t: string }>(
    "SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_schema IN ('raw', 'mart', 'scheme') ORDER BY 1, 2",
  );
  const out: Record<string, string> = {};
  for (const { s, t } of tables) {
    const r = await wh.one<{ n: number; h: bigint }>(`SELECT count(*) AS n, sum(hash(x) % 1000000007) AS h FROM ${s}.${t} x`);
    out[`${s}.${t}`] = `${r?.n}:${r?.h}`;
  }
  return out;
}

describe("ingest twice, run twice", () => {
  let wh: WarehouseType;
  let cleanup: () => void;
  let cfg: ReturnType<typeof testConfig>;
  beforeAll(async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    await generateDemo({ out: path.join(t.dir, "demo"), seed: 7, agents: 24, tickets: 8000, months: 6, endMonth: "2026-06" });
    cfg = testConfig(
      t.dir,
      DEMO_SOURCES.map((s) => ({ ...s, path: s.path.replace("demo-data/", "demo/") })),
    );
    wh = await Warehouse.open(cfg.warehouse, { timezone: TZ });
  });
  afterAll(() => {
    wh?.close();
    cleanup?.();
  });

  it("gives identical tables", async () => {
    const schemes = loadSchemes(SCHEMES);
    const first = await ingestSources(wh, cfg);
    expect(first.errors).toEqual([]);
    await runModels(wh, schemes);
    const a = await fingerprint(wh);
    const second = await ingestSources(wh, cfg);
    expect(second.batches.every((b) => b.status === "skipped")).toBe(true);
    await runModels(wh, schemes);
    expect(await fingerprint(wh)).toEqual(a);
    // even forced to read every file again, nothing in force changes
    const forced = await ingestSources(wh, cfg, undefined, { force: true });
    expect(forced.batches.every((b) => b.status === "loaded" && b.inserted === 0 && b.replaced === 0)).toBe(true);
    await runModels(wh, schemes);
    // the identical copies read again were dropped, so even the raw tables are bit for bit the same
    expect(await fingerprint(wh)).toEqual(a);
  });
});

describe("versions", () => {
  it("keep the newest copy of a ticket in force and the older as history", async () => {
    await withWarehouse(async (wh, dir) => {
      const roster = writeFile(dir, "r.csv", csv(["agent_id", "display_name", "team", "department", "hire_date"], [["A1", "Ann", "T1", "S", "2025-01-01"]]));
      await loadFile(wh, { file: roster, source: "r", mapping: loadMapping("canonical/agents") });
      const head = ["ticket_id", "created_at", "resolved_at", "updated_at", "status", "priority", "assignee_id"];
      const open = writeFile(dir, "march.csv", csv(head, [["T-1", "2026-03-30 10:00:00", null, "2026-03-30 10:05:00", "open", "high", "A1"]]));
      const solved = writeFile(dir, "april.csv", csv(head, [["T-1", "2026-03-30 10:00:00", "2026-04-02 09:00:00", "2026-04-02 09:00:00", "resolved", "high", "A1"]]));
      const m = loadMapping("canonical/tickets");
      expect((await loadFile(wh, { file: open, source: "t", mapping: m })).inserted).toBe(1);
      const s2 = await loadFile(wh, { file: solved, source: "t", mapping: m });
      expect([s2.inserted, s2.replaced]).toEqual([0, 1]);
      // the March export again, forced: older than what is in force, so nothing changes
      const s3 = await loadFile(wh, { file: open, source: "t", mapping: m, force: true });
      expect([s3.inserted, s3.replaced, s3.unchanged]).toEqual([0, 0, 1]);
      const rows = await wh.all<{ status: string; _current: boolean }>("SELECT status, _current FROM raw.tickets ORDER BY updated_at");
      expect(rows).toEqual([
        { status: "open", _current: false },
        { status: "resolved", _current: true },
      ]);
    });
  });
});

describe("record numbers", () => {
  it("stay exact deep in a large file, after a malformed line", async () => {
    await withWarehouse(async (wh, dir) => {
      const roster = writeFile(dir, "r.csv", csv(["agent_id", "display_name", "team", "department", "hire_date"], [["A1", "Ann", "T1", "S", "2025-01-01"]]));
      await loadFile(wh, { file: roster, source: "r", mapping: loadMapping("canonical/agents") });
      const lines = ["ticket_id,created_at,status,priority,assignee_id,reopen_count"];
      for (let i = 1; i <= 60_000; i++) lines.push(`T-${i},2026-03-01 10:00:00,open,normal,A1,0`);
      lines[1_000] = "T-1000,2026-03-01 10:00:00,open"; // a short row on line 1001
      lines[37_123] = "T-37123,2026-03-01 10:00:00,open,normal,A1,-4"; // a bad value on line 37124
      const file = writeFile(dir, "big.csv", `${lines.join("\n")}\n`);
      const s = await loadFile(wh, { file, source: "t", mapping: loadMapping("canonical/tickets") });
      expect(s.inserted).toBe(59_998);
      const q = await wh.all<{ record: number; line: number; field: string }>("SELECT record, line, field FROM meta.quarantine WHERE batch_id = $b ORDER BY line", {
        b: s.batchId,
      });
      expect(q).toEqual([
        { record: 1000, line: 1001, field: "(row)" },
        { record: 37123, line: 37124, field: "reopen_count" },
      ]);
    });
  });
});
