/**
 * Roster history (issue 11, "What a department needs"): people move teams. Each period credits the team the agent was
 * in then, from a change file (transfers with the team before) or dated snapshots; a period with a move credits the team
 * of most of the agent's days in it. Team rankings, team results and calibration use it; the roster's current team does
 * not rewrite the past.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestSources } from "../../../../data-loaders/ingest/ingest.ts";
import { runModels } from "../../../../pipelines/run.ts";
import { loadSchemes } from "../../../../pipelines/scheme/load.ts";
import { buildDepartment, type Department } from "../../../helpers/department.ts";
import { csv, testConfig, writeFile } from "../../../helpers/warehouse.ts";

const SHIPPED = path.join(import.meta.dirname, "..", "..", "..", "..", "schemes");
let d: Department;

beforeAll(async () => {
  const rows: Array<Array<string | null>> = [];
  let n = 0;
  for (const month of ["01", "02", "03"])
    for (const agent of ["A1", "A2", "A3", "A4"])
      for (let i = 0; i < 25; i++) {
        const day = String(1 + (i % 28)).padStart(2, "0");
        rows.push([`T-${n++}`, `2026-${month}-${day} 09:00:00`, `2026-${month}-${day} 09:10:00`, `2026-${month}-${day} 11:00:00`, "resolved", "normal", agent]);
      }
  d = await buildDepartment(
    {
      // the roster as exported today: A1 and A2 are in Blue now
      roster: {
        header: ["agent_id", "display_name", "team", "department", "hire_date"],
        rows: [
          ["A1", "Ann", "Blue", "Support", "2020-01-01"],
          ["A2", "Bo", "Blue", "Support", "2020-01-01"],
          ["A3", "Cy", "Red", "Support", "2020-01-01"],
          ["A4", "Di", "Blue", "Support", "2020-01-01"],
        ],
      },
      tickets: { header: ["ticket_id", "created_at", "first_response_at", "resolved_at", "status", "priority", "assignee_id"], rows },
    },
    SHIPPED,
    // exported at the end of March: the sources cover the first quarter, and the year up to then
    { exportedAt: "2026-03-31T16:00:00Z" },
  );
  // a transfer record with the team before (A1: Red -> Blue on 16 February), and dated snapshots for A2 (Red until March)
  const changes = writeFile(
    d.dir,
    "changes.csv",
    csv(
      ["agent_id", "effective_from", "team", "previous_team"],
      [
        ["A1", "2026-02-16", "Blue", "Red"],
        ["A2", "2025-12-31", "Red", null],
        ["A2", "2026-01-31", "Red", null],
        ["A2", "2026-02-28", "Blue", null],
      ],
    ),
  );
  const r = await ingestSources(d.wh, testConfig(d.dir, [{ name: "roster-history", path: changes, mapping: "canonical/roster_changes" }]));
  expect(r.errors).toEqual([]);
  expect(r.batches.map((b) => b.quarantined)).toEqual([0]);
  await runModels(d.wh, loadSchemes(SHIPPED));
});

afterAll(() => d?.done());

const teamsOf = async (agent: string) =>
  Object.fromEntries(
    (await d.wh.all<{ period: string; team: string }>("SELECT period, team FROM mart.agent_periods WHERE agent_id = $a ORDER BY period", { a: agent })).map(
      (r) => [r.period, r.team],
    ),
  );

describe("each period credits the team the agent was in then", () => {
  it("from a transfer record: Red before the move, Blue after, most days in the month of the move", async () => {
    // February: 15 days in Red, 13 in Blue; the quarter: 46 days in Red, 44 in Blue
    expect(await teamsOf("A1")).toEqual({ "2026": "Red", "2026-01": "Red", "2026-02": "Red", "2026-03": "Blue", "2026-Q1": "Red" });
  });

  it("from dated snapshots: the snapshot's team from its day until the next one", async () => {
    // Red in the snapshots of 31 December and 31 January, Blue from 28 February: March and the quarter's last day
    expect(await teamsOf("A2")).toEqual({ "2026": "Red", "2026-01": "Red", "2026-02": "Red", "2026-03": "Blue", "2026-Q1": "Red" });
  });

  it("agents without history keep the roster's team", async () => {
    expect(await teamsOf("A3")).toEqual({ "2026": "Red", "2026-01": "Red", "2026-02": "Red", "2026-03": "Red", "2026-Q1": "Red" });
  });

  it("ranks within the team of the period and counts team results by it", async () => {
    const ranked = await d.wh.all<{ period: string; agent_id: string; team: string; team_ranked: number }>(
      `SELECT period, agent_id, team, team_ranked FROM mart.rankings WHERE scheme_id = 'support-weighted' AND period IN ('2026-01', '2026-03') AND ranked
       ORDER BY period, agent_id`,
    );
    expect(ranked.map((r) => [r.period, r.agent_id, r.team, Number(r.team_ranked)])).toEqual([
      ["2026-01", "A1", "Red", 3],
      ["2026-01", "A2", "Red", 3],
      ["2026-01", "A3", "Red", 3],
      ["2026-01", "A4", "Blue", 1],
      ["2026-03", "A1", "Blue", 3],
      ["2026-03", "A2", "Blue", 3],
      ["2026-03", "A3", "Red", 1],
      ["2026-03", "A4", "Blue", 3],
    ]);
    const teams = await d.wh.all<{ team: string; agents: number }>(
      "SELECT team, agents FROM mart.team_scores WHERE scheme_id = 'support-weighted' AND period = '2026-Q1' AND team IS NOT NULL ORDER BY team",
    );
    expect(teams.map((t) => [t.team, Number(t.agents)])).toEqual([
      ["Blue", 1],
      ["Red", 3],
    ]);
  });

  it("lists the moves for the HR board", async () => {
    const moves = await d.wh.all<Record<string, string>>(
      "SELECT agent_id, effective_from::VARCHAR AS effective_from, quarter, from_team, to_team FROM mart.team_moves ORDER BY effective_from",
    );
    expect(moves).toEqual([
      { agent_id: "A1", effective_from: "2026-02-16", quarter: "2026-Q1", from_team: "Red", to_team: "Blue" },
      { agent_id: "A2", effective_from: "2026-02-28", quarter: "2026-Q1", from_team: "Red", to_team: "Blue" },
    ]);
  });
});
