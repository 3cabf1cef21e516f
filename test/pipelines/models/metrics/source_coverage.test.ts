/**
 * A source that does not exist is not a zero (issue 11, item 6): with no trainings or certifications source, nobody is
 * measured on them, their weight is shared among the other indicators, and the reason says so; once the department has a
 * trainings source covering the period, an agent without trainings gets a real 0. A source that starts later than a
 * period does not measure it.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestSources } from "../../../../data-loaders/ingest/ingest.ts";
import { explain, formatExplanation } from "../../../../pipelines/explain.ts";
import { runModels } from "../../../../pipelines/run.ts";
import { loadSchemes } from "../../../../pipelines/scheme/load.ts";
import { buildDepartment, type Department } from "../../../helpers/department.ts";
import { csv, testConfig, writeFile } from "../../../helpers/warehouse.ts";

const SHIPPED = path.join(import.meta.dirname, "..", "..", "..", "..", "schemes");
let d: Department;

const indicator = (agent: string, period: string, id: string) =>
  d.wh.one<{ raw_value: number | null; score: number | null; missing: string | null; effective_weight: number }>(
    `SELECT raw_value, score, missing, effective_weight FROM mart.indicator_scores
     WHERE scheme_id = 'support-weighted' AND agent_id = $a AND period = $p AND indicator_id = $i`,
    { a: agent, p: period, i: id },
  );

async function addTrainings(rows: Array<[string, string, string, number]>): Promise<void> {
  const file = writeFile(d.dir, `trainings-${rows.length}.csv`, csv(["record_id", "agent_id", "completed_on", "hours"], rows));
  const r = await ingestSources(d.wh, testConfig(d.dir, [{ name: "lms", path: file, mapping: "canonical/trainings" }]));
  expect(r.errors).toEqual([]);
  await runModels(d.wh, loadSchemes(SHIPPED));
}

beforeAll(async () => {
  const rows: Array<Array<string | null>> = [];
  for (let i = 0; i < 50; i++) {
    const day = String(2 + (i % 25)).padStart(2, "0");
    rows.push([`T-${i}`, `2026-03-${day} 09:00:00`, `2026-03-${day} 09:10:00`, `2026-03-${day} 12:00:00`, "resolved", "normal", i % 2 ? "A1" : "A2"]);
  }
  d = await buildDepartment(
    {
      roster: {
        header: ["agent_id", "display_name", "team", "department", "hire_date"],
        rows: [
          ["A1", "Ann", "T1", "Support", "2020-01-01"],
          ["A2", "Bo", "T1", "Support", "2020-01-01"],
        ],
      },
      tickets: { header: ["ticket_id", "created_at", "first_response_at", "resolved_at", "status", "priority", "assignee_id"], rows },
    },
    SHIPPED,
  );
});

afterAll(() => d?.done());

describe("without a trainings or certifications source", () => {
  it("records which sources the department has for the period", async () => {
    const rows = await d.wh.all<{ source_table: string; measured: boolean; not_measured: string | null }>(
      "SELECT source_table, measured, not_measured FROM mart.source_coverage WHERE period = '2026-03' ORDER BY source_table",
    );
    expect(rows).toEqual([
      { source_table: "certifications", measured: false, not_measured: "no_source" },
      { source_table: "collab_survey", measured: false, not_measured: "no_source" },
      { source_table: "contributions", measured: false, not_measured: "no_source" },
      { source_table: "csat", measured: false, not_measured: "no_source" },
      { source_table: "quality_audits", measured: false, not_measured: "no_source" },
      { source_table: "reviews_360", measured: false, not_measured: "no_source" },
      { source_table: "tickets", measured: true, not_measured: null },
      { source_table: "trainings", measured: false, not_measured: "no_source" },
    ]);
  });

  it("measures nobody on them: no value, no score, the weight shared, the reason named", async () => {
    expect(Number(await d.wh.value("SELECT count(*) FROM mart.agent_metrics WHERE metric IN ('training_hours', 'certifications')"))).toBe(0);
    for (const id of ["training_hours", "certifications"]) {
      expect(await indicator("A2", "2026-03", id)).toEqual({
        raw_value: null,
        score: null,
        missing: `not measured: the department has no ${id === "training_hours" ? "training" : "certification"} data for the period`,
        effective_weight: 0,
      });
    }
    // the measured indicators carry the whole composite: their effective weights add up to 100
    const total = await d.wh.value<number>(
      "SELECT sum(effective_weight) FROM mart.indicator_scores WHERE scheme_id = 'support-weighted' AND agent_id = 'A2' AND period = '2026-03'",
    );
    expect(total).toBeCloseTo(100, 9);
    // and a department without those sources can still rank its agents: the weight needed counts what it measures
    const ranked = await d.wh.all<{ agent_id: string; ranked: boolean }>(
      "SELECT agent_id, ranked FROM mart.rankings WHERE scheme_id = 'support-weighted' AND period = '2026-03' ORDER BY agent_id",
    );
    expect(ranked).toEqual([
      { agent_id: "A1", ranked: true },
      { agent_id: "A2", ranked: true },
    ]);
    const text = formatExplanation(await explain(d.wh, "A2", "2026-03", "support-weighted"));
    expect(text).toContain("Not measured in 2026-03 (the department has no such source; its weight is shared among the measured indicators):");
    expect(text).toContain("trainings");
  });
});

describe("with a trainings source covering the period", () => {
  beforeAll(() => addTrainings([["TR-1", "A1", "2026-03-10", 6]]));

  it("gives an agent without trainings a real 0, and certifications stay not measured", async () => {
    expect(await indicator("A2", "2026-03", "training_hours")).toMatchObject({ raw_value: 0, score: 0, missing: null });
    expect((await indicator("A1", "2026-03", "training_hours"))?.raw_value).toBe(6);
    expect((await indicator("A2", "2026-03", "certifications"))?.missing).toMatch(/^not measured/);
  });
});

describe("with a trainings source that starts after the period", () => {
  beforeAll(async () => {
    await d.wh.run("DELETE FROM raw.trainings");
    await addTrainings([
      ["TR-2", "A1", "2026-05-10", 4],
      ["TR-3", "A2", "2026-06-10", 4],
    ]);
  });

  it("does not measure the period before it", async () => {
    const c = await d.wh.one<{ measured: boolean; not_measured: string }>(
      "SELECT measured, not_measured FROM mart.source_coverage WHERE period = '2026-03' AND source_table = 'trainings'",
    );
    expect(c).toEqual({ measured: false, not_measured: "before_source" });
    expect((await indicator("A2", "2026-03", "training_hours"))?.score).toBeNull();
  });
});
