/**
 * Golden model test: a hand-made department of 10 agents over 2 months, whose scores, ranks, ties and bottom
 * group are worked out by hand in test/fixtures/golden/expected.yaml. The goldens are never regenerated.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { ingestSources } from "../../data-loaders/ingest/ingest.ts";
import { Warehouse } from "../../core/db/warehouse.ts";
import { runModels } from "../../pipelines/run.ts";
import { loadSchemes } from "../../pipelines/scheme/load.ts";
import { tempDir, testConfig, TZ } from "../helpers/warehouse.ts";

const FIXTURE = path.join(import.meta.dirname, "..", "fixtures", "golden");
type Row = [string, number, string, number | null, boolean | null, boolean | null];
const expected = YAML.parse(readFileSync(path.join(FIXTURE, "expected.yaml"), "utf8")) as Record<string, { ranked: number; agents: Row[] }> & {
  percentile: Record<string, Record<string, number>>;
};

let wh: Warehouse;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  const cfg = testConfig(t.dir, [
    { name: "roster", path: path.join(FIXTURE, "roster.csv"), mapping: "canonical/agents" },
    { name: "tickets", path: path.join(FIXTURE, "tickets.csv"), mapping: "canonical/tickets" },
    { name: "csat", path: path.join(FIXTURE, "csat.csv"), mapping: "canonical/csat" },
  ]);
  wh = await Warehouse.open(cfg.warehouse, { timezone: TZ });
  const ingest = await ingestSources(wh, cfg);
  expect(ingest.errors).toEqual([]);
  expect(ingest.batches.map((b) => b.quarantined)).toEqual([0, 0, 0]);
  await runModels(wh, loadSchemes(path.join(FIXTURE, "scheme")));
});

afterAll(() => {
  wh?.close();
  cleanup?.();
});

describe.each(["2026-01", "2026-02"])("golden scores for %s", (period) => {
  it("matches the hand-worked composites, grades, ranks, ties and bottom group", async () => {
    const rows = await wh.all<{
      agent_id: string;
      composite: number;
      grade: string;
      department_rank: number | null;
      in_bottom_group: boolean | null;
      tied_at_cut: boolean | null;
      department_ranked: number | null;
    }>(
      `SELECT agent_id, composite, grade, department_rank, in_bottom_group, tied_at_cut, department_ranked
       FROM mart.rankings WHERE scheme_id = 'golden' AND period = $p ORDER BY agent_id`,
      { p: period },
    );
    const want = expected[period]!;
    expect(rows.map((r) => r.agent_id)).toEqual(want.agents.map((a) => a[0]));
    for (const [agent, composite, grade, rank, bottom, tied] of want.agents) {
      const got = rows.find((r) => r.agent_id === agent)!;
      expect({ agent, composite: Math.round(got.composite * 1e4) / 1e4, grade: got.grade, rank: got.department_rank, bottom: got.in_bottom_group, tied: got.tied_at_cut }).toEqual({
        agent,
        composite,
        grade,
        rank,
        bottom,
        tied,
      });
    }
    expect(Math.max(...rows.map((r) => r.department_ranked ?? 0))).toBe(want.ranked);
  });
});

it("gives the percentile as the share of ranked peers at or below", async () => {
  for (const [period, agents] of Object.entries(expected.percentile)) {
    for (const [agent, pct] of Object.entries(agents)) {
      const got = await wh.value<number>("SELECT percentile FROM mart.rankings WHERE scheme_id = 'golden' AND period = $p AND agent_id = $a", {
        p: period,
        a: agent,
      });
      expect(Math.round(got * 1e4) / 1e4).toBe(pct);
    }
  }
});

it("discloses the redistributed weight of a missing indicator", async () => {
  const rows = await wh.all<{ indicator_id: string; score: number | null; effective_weight: number; missing: string | null }>(
    "SELECT indicator_id, score, effective_weight, missing FROM mart.indicator_scores WHERE scheme_id = 'golden' AND period = '2026-01' AND agent_id = 'A04' ORDER BY ord",
  );
  expect(rows).toEqual([
    { indicator_id: "resolved", score: 50, effective_weight: 60, missing: null },
    { indicator_id: "csat", score: null, effective_weight: 0, missing: "no data in the period" },
    { indicator_id: "speed", score: 50, effective_weight: 40, missing: null },
  ]);
});

it("lists an agent below the minimum sample with the reason", async () => {
  const r = await wh.one<{ ranked: boolean; not_ranked_reason: string }>(
    "SELECT ranked, not_ranked_reason FROM mart.rankings WHERE scheme_id = 'golden' AND period = '2026-01' AND agent_id = 'A05'",
  );
  expect(r).toEqual({ ranked: false, not_ranked_reason: "2 resolved tickets; ranking needs at least 3 in a month" });
});
