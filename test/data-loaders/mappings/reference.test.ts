/**
 * The mapping reference (docs/mappings.md) cannot fall behind the code: it names every key of a mapping and of a
 * column spec, every field of every canonical table, every metric whose input a mapping can leave out, and every
 * shipped vendor mapping.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import type { z } from "zod";
import { fieldSpecs } from "../../../core/contracts/to-sql.ts";
import { CONTRACTS } from "../../../core/contracts/tables.ts";
import { FIELD_NEEDS } from "../../../data-loaders/mappings/field-needs.ts";
import { shippedMappings } from "../../../data-loaders/mappings/init.ts";
import { ColumnSpec, Mapping } from "../../../data-loaders/mappings/schema.ts";

const DOC = readFileSync(path.join(import.meta.dirname, "..", "..", "..", "docs", "mappings.md"), "utf8");
const named = (key: string) => DOC.includes(`\`${key}\``);

it("documents every key of a mapping and of a column spec", () => {
  const keys = Object.keys(Mapping.shape);
  const specKeys = Object.keys((ColumnSpec.options[1] as unknown as z.ZodObject).shape);
  expect(keys.length).toBeGreaterThan(10);
  expect(keys.filter((k) => !named(k))).toEqual([]);
  expect(specKeys.filter((k) => !named(k))).toEqual([]);
});

it("lists every field of every canonical table", () => {
  for (const [table, c] of Object.entries(CONTRACTS)) {
    expect(named(table), table).toBe(true);
    expect(fieldSpecs(c.schema).map((f) => f.name).filter((f) => !named(f)), table).toEqual([]);
  }
});

it("says which fields each metric needs, and names every shipped vendor mapping", () => {
  expect(Object.keys(FIELD_NEEDS).filter((m) => !named(m))).toEqual([]);
  const vendor = shippedMappings().map((s) => s.name).filter((n) => !n.includes("/"));
  expect(vendor).toEqual(expect.arrayContaining(["freshdesk-tickets-csv", "servicenow-incidents-csv", "jsm-issues-csv", "zammad-tickets-csv"]));
  expect(vendor.filter((n) => !named(n))).toEqual([]);
});
