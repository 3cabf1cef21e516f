/**
 * Data older than a scheme (issue 11, item 5): the shipped schemes' first versions take effect on 2024-01-01, and a
 * department with 2019 exports must still be scored, by the first version. A scheme that names a start scores nothing
 * before it, and `run` and `explain` say so, with the fix, instead of blaming the data.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explain } from "../../../pipelines/explain.ts";
import { runModels } from "../../../pipelines/run.ts";
import { loadSchemes } from "../../../pipelines/scheme/load.ts";
import { buildDepartment, type Department } from "../../helpers/department.ts";
import { tempDir } from "../../helpers/warehouse.ts";

const SHIPPED = path.join(import.meta.dirname, "..", "..", "..", "schemes");
let d: Department;

beforeAll(async () => {
  const rows: Array<Array<string | null>> = [];
  for (let i = 0; i < 30; i++) {
    const day = String(1 + (i % 28)).padStart(2, "0");
    rows.push([`OLD-${i}`, `2019-03-${day} 09:00:00`, `2019-03-${day} 09:05:00`, `2019-03-${day} 13:00:00`, "resolved", "normal", i % 2 ? "A1" : "A2"]);
  }
  d = await buildDepartment(
    {
      roster: {
        header: ["agent_id", "display_name", "team", "department", "hire_date"],
        rows: [
          ["A1", "Ann", "T1", "Support", "2015-01-01"],
          ["A2", "Bo", "T1", "Support", "2015-01-01"],
        ],
      },
      tickets: { header: ["ticket_id", "created_at", "first_response_at", "resolved_at", "status", "priority", "assignee_id"], rows },
    },
    SHIPPED,
  );
});

afterAll(() => d?.done());

describe("a shipped scheme on data older than its first version", () => {
  it("scores the older periods with the first version", async () => {
    const rows = await d.wh.all<{ period: string; version: string; agents: number }>(
      `SELECT period, version, count(*) AS agents FROM mart.rankings WHERE scheme_id = 'support-weighted' AND period IN ('2019-03', '2019-Q1', '2019')
       GROUP BY ALL ORDER BY period`,
    );
    expect(rows.map((r) => [r.period, r.version, Number(r.agents)])).toEqual([
      ["2019", "2024.1", 2],
      ["2019-03", "2024.1", 2],
      ["2019-Q1", "2024.1", 2],
    ]);
    const e = await explain(d.wh, "A1", "2019-03", "support-weighted");
    expect(e.scheme.version).toBe("2024.1");
    expect(e.result.composite).not.toBeNull();
  });
});

describe("a scheme that names its start", () => {
  let warnings: string[] = [];
  let cleanup: () => void;
  beforeAll(async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    cpSync(SHIPPED, t.dir, { recursive: true });
    const file = path.join(t.dir, "support-weighted.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("period_types: [month, quarter, year]", "period_types: [month, quarter, year]\nstart: 2024-01-01"));
    warnings = (await runModels(d.wh, loadSchemes(t.dir))).warnings;
  });
  afterAll(() => cleanup?.());

  it("run says which periods have data but no version in force, and how to score them", () => {
    expect(warnings).toEqual([
      expect.stringMatching(/^scheme 'support-weighted' starts at 2024-01-01 \(start: in its file\), so 1 month with data \(2019-03\) has no score; to score it, remove start:/),
      expect.stringContaining("1 quarter with data (2019-Q1)"),
      expect.stringContaining("1 year with data (2019)"),
    ]);
  });

  it("explain names the scheme's start as the cause, not the data", async () => {
    await expect(explain(d.wh, "A1", "2019-Q1", "support-weighted")).rejects.toThrow(
      "2019-Q1 lies before the start of scheme 'support-weighted' (start: 2024-01-01 in its file), so it has no score; the data is there.",
    );
    await expect(explain(d.wh, "A1", "2018-Q1", "support-weighted")).rejects.toThrow("no ticket data in 2018-Q1: the tickets cover 2019-03 to 2019-03");
    await expect(explain(d.wh, "A1", "2019", "team-monthly")).rejects.toThrow("scheme 'team-monthly' scores month, quarter, not years like 2019");
  });
});
