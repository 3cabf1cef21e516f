/**
 * The demo department: the same seed writes the same files, and the planted patterns come out of the pipeline.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestSources } from "../../data-loaders/ingest/ingest.ts";
import { DEMO_SOURCES } from "../../core/config/app.ts";
import { Warehouse } from "../../core/db/warehouse.ts";
import { type DemoManifest, generateDemo } from "../../pipelines/demo/generate.ts";
import { runModels } from "../../pipelines/run.ts";
import { loadSchemes } from "../../pipelines/scheme/load.ts";
import { tempDir, testConfig, TZ } from "../helpers/warehouse.ts";

const SIZE = { agents: 40, tickets: 30_000, months: 12, endMonth: "2026-10" };

function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = path.join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out[path.relative(dir, p)] = createHash("sha256").update(readFileSync(p)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

let dir: string;
let cleanup: () => void;
let manifest: DemoManifest;
let wh: Warehouse;

beforeAll(async () => {
  const t = tempDir();
  dir = t.dir;
  cleanup = t.cleanup;
  manifest = await generateDemo({ out: path.join(dir, "a"), seed: 42, ...SIZE });
  const cfg = testConfig(
    dir,
    DEMO_SOURCES.map((s) => ({ ...s, path: s.path.replace("demo-data/", "a/") })),
  );
  wh = await Warehouse.open(cfg.warehouse, { timezone: TZ });
  const r = await ingestSources(wh, cfg);
  expect(r.errors).toEqual([]);
  expect(r.batches.reduce((a, b) => a + b.quarantined, 0)).toBe(0);
  await runModels(wh, loadSchemes(path.join(import.meta.dirname, "..", "..", "schemes")));
});

afterAll(() => {
  wh?.close();
  cleanup?.();
});

describe("the demo generator", () => {
  it("writes the same files for the same seed, and others for another seed", async () => {
    await generateDemo({ out: path.join(dir, "b"), seed: 42, ...SIZE });
    await generateDemo({ out: path.join(dir, "c"), seed: 43, ...SIZE });
    const a = hashes(path.join(dir, "a"));
    expect(Object.keys(a).length).toBeGreaterThan(20);
    expect(hashes(path.join(dir, "b"))).toEqual(a);
    const c = hashes(path.join(dir, "c"));
    expect(c["helpdesk/tickets-2026-10.csv"]).not.toEqual(a["helpdesk/tickets-2026-10.csv"]);
  });

  it("writes real export formats: a GBK roster, a BOM 360 export, NDJSON, Parquet", () => {
    const roster = readFileSync(path.join(dir, "a", "hr", "roster.csv"));
    expect(roster.includes(Buffer.from("工号", "utf8"))).toBe(false); // not UTF-8 ...
    expect(roster.subarray(0, 4)).toEqual(Buffer.from([0xb9, 0xa4, 0xba, 0xc5])); // ... but GBK for 工号
    const review = readdirSync(path.join(dir, "a", "survey")).find((f) => f.startsWith("review360"))!;
    expect(readFileSync(path.join(dir, "a", "survey", review)).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(manifest.files).toContain("qa/quality-audits.parquet");
  });
});

describe("the planted patterns", () => {
  const quarterly = (agent: string) =>
    wh.all<{ period: string; composite: number; department_rank: number | null; in_bottom_group: boolean | null }>(
      "SELECT period, composite, department_rank, in_bottom_group FROM mart.rankings WHERE scheme_id = 'support-weighted' AND period_type = 'quarter' AND agent_id = $a AND period BETWEEN '2026-Q1' AND '2026-Q3' ORDER BY period",
      { a: agent },
    );

  it("puts the declining agent in the bottom group three quarters in a row", async () => {
    const rows = await quarterly(manifest.planted.declining);
    expect(rows.map((r) => [r.period, r.in_bottom_group])).toEqual([
      ["2026-Q1", true],
      ["2026-Q2", true],
      ["2026-Q3", true],
    ]);
    expect(rows[2]!.composite).toBeLessThan(rows[0]!.composite);
  });

  it("shows the improving agent climbing", async () => {
    const all = await wh.all<{ period: string; composite: number }>(
      "SELECT period, composite FROM mart.rankings WHERE scheme_id = 'support-weighted' AND period_type = 'quarter' AND agent_id = $a AND period IN ('2025-Q4', '2026-Q3') ORDER BY period",
      { a: manifest.planted.improving },
    );
    expect(all).toHaveLength(2);
    expect(all[1]!.composite - all[0]!.composite).toBeGreaterThan(5);
  });

  it("lists the new hire without a rank, with the reason", async () => {
    const r = await wh.one<{ ranked: boolean; not_ranked_reason: string }>(
      "SELECT ranked, not_ranked_reason FROM mart.rankings WHERE scheme_id = 'support-weighted' AND period = '2026-10' AND agent_id = $a",
      { a: manifest.planted.newHire },
    );
    expect(r?.ranked).toBe(false);
    expect(r?.not_ranked_reason).toMatch(/resolved tickets; ranking needs at least 20 in a month/);
  });

  it("gives the hard-queue team slower raw resolution times", async () => {
    const rows = await wh.all<{ hard: boolean; hours: number }>(
      `SELECT t.team = $team AS hard, median(m.value) AS hours
       FROM mart.agent_metrics m JOIN mart.agent_periods t USING (period_type, period, agent_id)
       WHERE m.metric = 'resolution_hours_median' AND m.period = '2026-Q3' GROUP BY 1 ORDER BY 1`,
      { team: manifest.planted.hardQueueTeam },
    );
    expect(rows[1]!.hours).toBeGreaterThan(2 * rows[0]!.hours);
  });

  it("puts the hard-queue team level with the others once the ticket mix is taken into account", async () => {
    // log of the hard-queue team's median over the rest's: raw metrics far apart, the workload-mix ratios close
    const gap = async (metric: string) => {
      const rows = await wh.all<{ hard: boolean; value: number }>(
        `SELECT t.team = $team AS hard, median(m.value) AS value
         FROM mart.agent_metrics m JOIN mart.agent_periods t USING (period_type, period, agent_id)
         WHERE m.metric = $metric AND m.period = '2026-Q3' GROUP BY 1 ORDER BY 1`,
        { team: manifest.planted.hardQueueTeam, metric },
      );
      return Math.log(rows[1]!.value / rows[0]!.value);
    };
    const rawTime = await gap("resolution_hours_median");
    expect(rawTime).toBeGreaterThan(Math.log(2));
    // what is left is the team's own pace (this small demo's hard-queue team is less skilled), not its queue
    expect(Math.abs(await gap("resolution_time_vs_expected"))).toBeLessThan(rawTime / 5);
    expect(await gap("sla_attainment")).toBeLessThan(-0.08);
    expect(Math.abs(await gap("sla_vs_expected"))).toBeLessThan(0.03);
    expect(Math.abs(await gap("resolution_vs_expected"))).toBeLessThan(0.02);
  });

  it("scores the hard-queue team fairly under the workload-mix version (2026.2), not under the raw one (2026.1)", async () => {
    // the same composites, scored with each version's indicators: team mean minus the rest of the department
    const gap = (period: string) =>
      wh.value<number>(
        `SELECT avg(composite) FILTER (WHERE team = $team) - avg(composite) FILTER (WHERE team <> $team)
         FROM mart.rankings WHERE scheme_id = 'support-weighted' AND period = $period AND ranked`,
        { team: manifest.planted.hardQueueTeam, period },
      );
    const versions = await wh.all<{ period: string; version: string }>(
      "SELECT period, version FROM mart.scheme_periods WHERE scheme_id = 'support-weighted' AND period IN ('2026-Q2', '2026-Q3') ORDER BY period",
    );
    expect(versions.map((v) => v.version)).toEqual(["2026.1", "2026.2"]);
    const raw = await gap("2026-Q2");
    const adjusted = await gap("2026-Q3");
    expect(raw).toBeLessThan(-2);
    expect(Math.abs(adjusted)).toBeLessThan(Math.abs(raw) / 2);
  });

  it("shows the difference in the calibration view: a clear team effect on raw speed, none on speed for the mix", async () => {
    const effect = (period: string, indicator: string) =>
      wh.one<{ effect: number; effect_low: number; effect_high: number; clear_effect: boolean }>(
        `SELECT effect, effect_low, effect_high, clear_effect FROM mart.calibration
         WHERE scheme_id = 'support-weighted' AND period = $period AND team = $team AND measure_id = $indicator`,
        { period, team: manifest.planted.hardQueueTeam, indicator },
      );
    const raw = (await effect("2026-Q2", "resolution_speed"))!;
    expect(raw.clear_effect).toBe(true);
    expect(raw.effect_high).toBeLessThan(0);
    const adjusted = (await effect("2026-Q3", "resolution_speed_vs_expected"))!;
    expect(adjusted.clear_effect).toBe(false);
    expect(adjusted.effect_low).toBeLessThan(0);
    expect(adjusted.effect_high).toBeGreaterThan(0);
  });

  it("shows the lenient lead's team in the rater calibration, and no other team as lenient", async () => {
    const lead = await wh.value<string>("SELECT team FROM stg.agents WHERE agent_id = $a", { a: manifest.planted.lenientLead });
    const rows = await wh.all<{ team: string; calibration: string; effect: number; effect_low: number }>(
      "SELECT team, calibration, effect, effect_low FROM mart.rater_calibration WHERE measure = 'supervisor_gap' AND period = '2026' ORDER BY team",
    );
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows.filter((r) => r.calibration === "lenient").map((r) => r.team)).toEqual([lead]);
    // the demo's lead adds 0.7 to their ratings; the others' gap is the baseline
    expect(rows.find((r) => r.team === lead)!.effect).toBeGreaterThan(0.4);
    expect(rows.find((r) => r.team === lead)!.effect_low).toBeGreaterThan(0);
    // the rater groups side by side, never a single rater: the supervisor group of a team is one person, so the
    // table is for the management build only
    const groups = await wh.all<{ measure: string }>(
      "SELECT DISTINCT measure FROM mart.rater_calibration WHERE period = '2026' ORDER BY measure",
    );
    expect(groups.map((g) => g.measure)).toEqual(["customer", "other_department", "peer", "self", "subordinate", "supervisor", "supervisor_gap"]);
  });

  it("marks bottom-group agents whose rank interval crosses the cut, and not the planted decliner", async () => {
    const rows = await wh.all<{ agent_id: string; in_bottom_group: boolean; crosses_cut: boolean | null; rank_low: number; cut_rank: number; uncertainty_note: string | null }>(
      "SELECT agent_id, in_bottom_group, crosses_cut, rank_low, cut_rank, uncertainty_note FROM mart.bottom_tracker WHERE scheme_id = 'support-weighted' AND quarter = '2026-Q3'",
    );
    const declining = rows.find((r) => r.agent_id === manifest.planted.declining)!;
    expect(declining.in_bottom_group).toBe(true);
    expect(declining.crosses_cut).toBe(false);
    expect(declining.rank_low).toBeGreaterThanOrEqual(declining.cut_rank);
    const marked = rows.filter((r) => r.in_bottom_group && r.crosses_cut);
    expect(marked.length).toBeGreaterThan(0);
    for (const r of marked) expect(r.uncertainty_note).toMatch(/^not distinguishable from the agents above the cut/);
  });
});

describe("the tracker's quarters", () => {
  it("calls the data's first, partial quarter 'partial quarter', and the last one 'quarter in progress'", async () => {
    const reasons = await wh.all<{ quarter: string; reason: string }>(
      "SELECT DISTINCT quarter, reason FROM mart.bottom_tracker WHERE scheme_id = 'support-weighted' AND quarter IN ('2025-Q4', '2026-Q4') ORDER BY quarter",
    );
    const start = await wh.value<string>("SELECT min(data_start)::VARCHAR FROM mart.periods");
    expect(start > "2025-10-01").toBe(true);
    expect(reasons).toEqual([
      { quarter: "2025-Q4", reason: `partial quarter: the data begins on ${start}` },
      { quarter: "2026-Q4", reason: "quarter in progress" },
    ]);
  });
});

describe("the proof behind each number", () => {
  it("links each indicator to exactly the inputs that made it: the counts are the metrics' samples", async () => {
    // for every agent and input set in 2026-Q3: the records linked against the sample the metric counted
    const mismatches = await wh.all(
      `WITH linked AS (
         SELECT agent_id, input_set, count(*) AS records FROM mart.input_records WHERE period = '2026-Q3' GROUP BY ALL
       ),
       counted AS (
         SELECT agent_id, CASE metric
             WHEN 'tickets_resolved' THEN 'resolved' WHEN 'tickets_held' THEN 'held' WHEN 'sla_attainment' THEN 'resolved_with_sla'
             WHEN 'first_response_minutes_median' THEN 'responded' WHEN 'complaints' THEN 'complaints' WHEN 'csat' THEN 'csat_responses'
             WHEN 'quality_score' THEN 'audits' WHEN 'serious_errors' THEN 'serious_audits' WHEN 'collab_satisfaction' THEN 'collab_responses'
             WHEN 'certifications' THEN 'certifications' WHEN 'proposals' THEN 'proposals' WHEN 'knowledge_shares' THEN 'knowledge_shares'
           END AS input_set,
           CAST(CASE WHEN metric IN ('sla_attainment', 'csat', 'collab_satisfaction') THEN denominator
                     WHEN metric IN ('first_response_minutes_median', 'quality_score') THEN n ELSE value END AS BIGINT) AS records
         FROM mart.agent_metrics
         WHERE period = '2026-Q3' AND agent_id IN (SELECT agent_id FROM stg.agents)
       )
       SELECT * FROM counted c FULL JOIN linked l USING (agent_id, input_set)
       WHERE c.input_set IS NOT NULL AND coalesce(c.records, 0) <> coalesce(l.records, 0)`,
    );
    expect(mismatches).toEqual([]);
    const counts = await wh.all<{ indicator_id: string; input_set: string; inputs: number }>(
      `SELECT indicator_id, input_set, inputs FROM mart.indicator_input_counts
       WHERE scheme_id = 'support-weighted' AND period = '2026-Q3' AND agent_id = $a AND indicator_id IN ('tickets_resolved', 'csat') ORDER BY 1`,
      { a: manifest.planted.declining },
    );
    const tickets = await wh.value<number>("SELECT value FROM mart.agent_metrics WHERE period = '2026-Q3' AND agent_id = $a AND metric = 'tickets_resolved'", {
      a: manifest.planted.declining,
    });
    expect(counts.find((c) => c.indicator_id === "tickets_resolved")).toEqual({ indicator_id: "tickets_resolved", input_set: "resolved", inputs: tickets });
    expect(counts.find((c) => c.indicator_id === "csat")?.input_set).toBe("csat_responses");
  });

  it("counts each indicator's inputs as its linked records grouped, in every period (the staff build's counts)", async () => {
    // indicator_input_counts counts the ticket sets from ticket_periods in one pass: the same numbers and batches as
    // grouping the links themselves
    const differ = await wh.all(
      `WITH grouped AS (
         SELECT scheme_id, period_type, period, agent_id, indicator_id, input_set, count(*) AS inputs, list(DISTINCT batch_id ORDER BY batch_id) AS batches
         FROM mart.indicator_inputs GROUP BY ALL
       ),
       stored AS (SELECT scheme_id, period_type, period, agent_id, indicator_id, input_set, inputs, batches FROM mart.indicator_input_counts)
       (SELECT * FROM grouped EXCEPT ALL SELECT * FROM stored) UNION ALL (SELECT * FROM stored EXCEPT ALL SELECT * FROM grouped)`,
    );
    expect(differ).toEqual([]);
    expect(Number(await wh.value("SELECT count(DISTINCT input_set) FROM mart.indicator_input_counts"))).toBeGreaterThan(5);
  });
});
