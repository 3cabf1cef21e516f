/**
 * The raw tables are generated from the canonical contracts (pipelines/db/raw-tables.ts), and so is the check that
 * current keys are unique: a contract field and its raw column cannot drift apart.
 */
import { describe, expect, it } from "vitest";
import { CONTRACTS } from "../../../core/contracts/tables.ts";
import { rawTableColumns, uniqueCurrentKeysSql } from "../../../core/contracts/to-sql.ts";
import { ensureRawTables } from "../../../core/db/raw-tables.ts";
import { Warehouse } from "../../../core/db/warehouse.ts";
import { listChecks } from "../../../pipelines/run.ts";
import { withWarehouse } from "../../helpers/warehouse.ts";

const columnsOf = (wh: Warehouse, table: string) =>
  wh.all<{ name: string; type: string; nullable: string }>(
    "SELECT column_name AS name, data_type AS type, is_nullable AS nullable FROM information_schema.columns WHERE table_schema = 'raw' AND table_name = $t ORDER BY ordinal_position",
    { t: table },
  );

describe("the raw tables", () => {
  it("are exactly their contracts' fields, typed by kind, then the load's bookkeeping columns", async () => {
    await withWarehouse(async (wh) => {
      const tables = await wh.all<{ t: string }>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'raw' ORDER BY 1");
      expect(tables.map((r) => r.t)).toEqual(Object.values(CONTRACTS).map((c) => c.table).sort());
      for (const contract of Object.values(CONTRACTS)) {
        const got = await columnsOf(wh, contract.table);
        const want = rawTableColumns(contract).map((c) => ({
          name: c.name,
          type: c.type.replace("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE").replaceAll('"', ""),
          nullable: c.notNull ? "NO" : "YES",
        }));
        expect(got.map((c) => ({ ...c, type: c.type.replaceAll('"', "") })), contract.table).toEqual(want);
      }
      expect((await columnsOf(wh, "tickets")).slice(0, 3).map((c) => `${c.name} ${c.type}`)).toEqual([
        "ticket_id VARCHAR",
        "source VARCHAR",
        "created_at TIMESTAMP WITH TIME ZONE",
      ]);
    });
  });

  it("gain a column when a contract gains a field, and name a column the contract does not have or types differently", async () => {
    await withWarehouse(async (wh) => {
      // a warehouse from before a field was added to the contract
      await wh.run("ALTER TABLE raw.tickets DROP COLUMN queue");
      expect(await ensureRawTables(wh)).toEqual(["raw.tickets.queue"]);
      expect((await columnsOf(wh, "tickets")).some((c) => c.name === "queue" && c.type === "VARCHAR")).toBe(true);
      await wh.run("ALTER TABLE raw.csat ADD COLUMN channel VARCHAR");
      await expect(ensureRawTables(wh)).rejects.toThrow(
        "raw.csat has column channel that its contract (core/contracts/tables.ts) does not have; add it to the contract, or drop it with a migration",
      );
      await wh.run("ALTER TABLE raw.csat DROP COLUMN channel; ALTER TABLE raw.trainings ALTER hours SET DATA TYPE VARCHAR");
      await expect(ensureRawTables(wh)).rejects.toThrow(
        "raw.trainings.hours is VARCHAR in the warehouse but DOUBLE by its contract (core/contracts/tables.ts); change it with a migration, or the contract back",
      );
    });
  });

  it("are checked for keys in force twice by a check generated from the contracts' keys", async () => {
    const check = listChecks().find((c) => c.name === "unique_current_keys")!;
    expect(check.sql).toBe(uniqueCurrentKeysSql(Object.values(CONTRACTS)));
    expect(check.sql).toContain(
      `select 'raw.reviews_360' as tbl, concat_ws('/', "period", "subject_id", "rater_id", "dimension") as key, count(*) as copies from raw."reviews_360" where _current group by "period", "subject_id", "rater_id", "dimension" having count(*) > 1`,
    );
    await withWarehouse(async (wh) => {
      expect(await wh.all(check.sql)).toEqual([]);
      await wh.run(
        `INSERT INTO raw.roster_changes (agent_id, effective_from, team, _batch_id, _current, _bad) VALUES
           ('E1', '2026-07-01', 'A', 1, true, false), ('E1', '2026-07-01', 'B', 2, true, false), ('E1', '2026-07-01', 'C', 3, false, false)`,
      );
      expect(await wh.all(check.sql)).toEqual([{ tbl: "raw.roster_changes", key: "E1/2026-07-01", copies: 2 }]);
      // a refresh checks the keys of the rows loaded since the last run: batch 2's key is among them, after batch 2 none is
      expect(await wh.all(uniqueCurrentKeysSql(Object.values(CONTRACTS), { afterBatch: 1 }))).toEqual([{ tbl: "raw.roster_changes", key: "E1/2026-07-01", copies: 2 }]);
      expect(await wh.all(uniqueCurrentKeysSql(Object.values(CONTRACTS), { afterBatch: 3 }))).toEqual([]);
    });
  });
});

describe("a warehouse migrated before the raw tables came from the contracts", () => {
  it("takes the rewritten migrations (same tables); any other edit of an applied migration is still refused", async () => {
    await withWarehouse(async (first) => {
      const file = first.file;
      // the checksum 001_raw_and_meta had while it still created the raw tables
      await first.run("UPDATE meta.schema_migrations SET checksum = '7439a93f9ac8b4f5' WHERE version = 1");
      first.close();
      const again = await Warehouse.open(file, { timezone: "UTC" });
      expect(await again.value("SELECT checksum <> '7439a93f9ac8b4f5' FROM meta.schema_migrations WHERE version = 1")).toBe(true);
      await again.run("UPDATE meta.schema_migrations SET checksum = '0000000000000000' WHERE version = 9");
      again.close();
      await expect(Warehouse.open(file, { timezone: "UTC" })).rejects.toThrow(/migration 009_exports was changed after it was applied/);
    });
  });
});
