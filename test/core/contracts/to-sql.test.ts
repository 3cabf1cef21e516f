/**
 * The bulk check in DuckDB is derived from the zod contracts; this test holds the two to the same verdict on
 * sample values for every text, enum and number field of every canonical table (dates are read in more layouts
 * by the SQL side on purpose: exports rarely write ISO 8601).
 */
import { describe, expect, it } from "vitest";
import { castExpr, fieldSpecs, problemCases } from "../../../core/contracts/to-sql.ts";
import { CONTRACTS } from "../../../core/contracts/tables.ts";
import { lit } from "../../../core/db/warehouse.ts";
import { withWarehouse } from "../../helpers/warehouse.ts";

const SAMPLES: Record<string, string[]> = {
  string: ["E1001", "TK-100231", "a b", " lead", "x".repeat(64), "x".repeat(65), "王芳", "<b>", "=SUM(A1)", "-3", "ok@x.y", "A/B:1#2+3", "_x"],
  enum: [],
  integer: ["0", "1", "-1", "42", "100000", "100001", "1.5", "abc", "7.0"],
  number: ["0", "1", "1.5", "-1", "5", "5.01", "100", "100.5", "abc", "4"],
  boolean: ["true", "false", "yes", "no", "1", "0", "maybe"],
};

/** the JavaScript value a well-typed record would carry for a text value */
function jsValue(kind: string, text: string): unknown {
  if (kind === "integer" || kind === "number") return text.trim() !== "" && !Number.isNaN(Number(text)) ? Number(text) : text;
  if (kind === "boolean") return ({ true: true, false: false, yes: true, no: false, "1": true, "0": false } as Record<string, boolean>)[text] ?? text;
  return text;
}

describe.each(Object.entries(CONTRACTS))("%s", (_name, contract) => {
  it("agrees with zod on every sample value", async () => {
    await withWarehouse(async (wh) => {
      for (const f of fieldSpecs(contract.schema)) {
        if (f.kind === "timestamp" || f.kind === "date") continue;
        const values = f.kind === "enum" ? [...(f.enumValues ?? []), "other", f.enumValues?.[0]?.toUpperCase() ?? "X"] : (SAMPLES[f.kind] ?? []);
        for (const text of values) {
          const v = lit(text);
          const t = castExpr(f, v);
          const cases = problemCases({ ...f, required: false }, v, t);
          const sqlBad = cases.length
            ? Boolean(await wh.value(`SELECT ${cases.map(([c]) => `coalesce(${c}, false)`).join(" OR ")}`))
            : false;
          const field = contract.schema.shape[f.name] as { safeParse: (x: unknown) => { success: boolean } };
          // enums are matched without regard to case in SQL (exports write "Urgent"); zod sees the lower-cased value
          const zodInput = f.kind === "enum" ? text.toLowerCase() : jsValue(f.kind, text);
          const zodBad = !field.safeParse(zodInput).success;
          expect({ field: f.name, text, bad: sqlBad }).toEqual({ field: f.name, text, bad: zodBad });
        }
      }
    });
  });
});
