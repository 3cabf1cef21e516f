/**
 * Staging only renames and casts (issue 13): a staging model reads the raw tables and nothing built from them, and
 * no rule of the appraisal (credit, appeal corrections) is applied there; those are the intermediate models, which
 * every model that needs credited tickets, responses or audits reads.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { listModels, orderModels } from "../../../pipelines/run.ts";

describe("the staging layer", () => {
  const models = listModels();
  it("reads no other model and no appeal correction", () => {
    for (const m of models.filter((x) => x.layer === "staging")) {
      expect(m.dependsOn, m.name).toEqual([]);
      expect(m.sql, m.name).not.toMatch(/meta\.corrections/);
    }
  });
  it("leaves credit and corrections to the intermediate models, which the metrics read", () => {
    const byName = new Map(models.map((m) => [m.name, m]));
    expect(models.filter((m) => m.layer === "intermediate").map((m) => [m.name, m.kind])).toEqual([
      ["int.csat_credited", "VIEW"],
      ["int.quality_audits_corrected", "VIEW"],
      ["int.tickets_credited", "VIEW"],
    ]);
    for (const name of ["int.tickets_credited", "int.csat_credited", "int.quality_audits_corrected"])
      expect(readFileSync(byName.get(name)!.file, "utf8"), name).toMatch(/from meta\.corrections/);
    // no metric reads a staging model that has an intermediate one in its place
    for (const m of models.filter((x) => !["staging", "intermediate"].includes(x.layer)))
      expect(m.dependsOn.filter((d) => ["stg.tickets", "stg.csat", "stg.quality_audits"].includes(d)), m.name).toEqual([]);
    const order = orderModels(models).map((m) => m.name);
    expect(order.indexOf("int.tickets_credited")).toBeLessThan(order.indexOf("int.csat_credited"));
    expect(order.indexOf("int.tickets_credited")).toBeGreaterThan(order.indexOf("stg.tickets_held"));
  });
});
