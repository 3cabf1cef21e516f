/**
 * The scheme tables come from one column table each (pipelines/scheme/tables.ts): the DDL and the rows are the
 * same description, so a column cannot be typed in one place and forgotten in the other.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadSchemes, writeSchemeTables } from "../../../pipelines/scheme/load.ts";
import { SCHEME_TABLE_COLUMNS } from "../../../pipelines/scheme/tables.ts";
import { withWarehouse } from "../../helpers/warehouse.ts";

const SCHEMES = path.join(import.meta.dirname, "..", "..", "..", "schemes");

describe("the scheme tables", () => {
  it("have exactly the columns of their column tables, and the flattened versions' values", async () => {
    await withWarehouse(async (wh) => {
      await writeSchemeTables(wh, loadSchemes(SCHEMES));
      for (const [table, columns] of Object.entries(SCHEME_TABLE_COLUMNS)) {
        const got = await wh.all<{ column_name: string }>(
          "SELECT column_name FROM information_schema.columns WHERE table_schema = 'scheme' AND table_name = $t ORDER BY ordinal_position",
          { t: table },
        );
        expect(got.map((c) => c.column_name), table).toEqual(Object.keys(columns));
      }
      // 2026.2 extends 2026.1, which adds first_response after resolution_speed: in the table as if written in full
      const rows = await wh.all<{ indicator_id: string; weight: number; ord: number; floor: number | null; per_month: boolean }>(
        `SELECT indicator_id, weight::DOUBLE AS weight, ord, floor, per_month FROM scheme.indicators
         WHERE scheme_id = 'support-weighted' AND version = '2026.2' AND dimension_id = 'work_completion' ORDER BY ord`,
      );
      expect(rows.map((r) => [r.indicator_id, r.weight, Number(r.ord), r.floor, r.per_month])).toEqual([
        ["tickets_resolved", 25, 0, 20, true],
        ["resolution_vs_expected", 20, 1, 0.8, false],
        ["resolution_speed_vs_expected", 25, 2, 2, false],
        ["first_response", 10, 3, 240, false],
        ["followup_satisfaction", 20, 4, null, false],
      ]);
      const v = await wh.one<{ effective_to: string; applies_from: string; notes: string }>(
        "SELECT effective_to::VARCHAR AS effective_to, applies_from::VARCHAR AS applies_from, notes FROM scheme.versions WHERE scheme_id = 'support-weighted' AND version = '2026.1'",
      );
      expect(v).toMatchObject({ effective_to: "2026-07-01", applies_from: "2026-01-01" });
      expect(v!.notes).toMatch(/^First response time joins work completion/);
    });
  });
});
