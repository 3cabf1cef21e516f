/**
 * The scheme lab on a small demo department: a draft simulated over past quarters in a scratch schema (nothing scored
 * or published changes), compared in SQL with the scheme in force, the same result bit for bit on a second run; and
 * adopting a draft, refused when it would re-score a final period.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestSources } from "../../../data-loaders/ingest/ingest.ts";
import { DEMO_SOURCES } from "../../../core/config/app.ts";
import { Warehouse } from "../../../core/db/warehouse.ts";
import { generateDemo } from "../../../pipelines/demo/generate.ts";
import { adopt } from "../../../pipelines/lab/adopt.ts";
import { DraftError, loadDraft } from "../../../pipelines/lab/draft.ts";
import { formatSimulation } from "../../../pipelines/lab/report.ts";
import { parseLast, simulate } from "../../../pipelines/lab/simulate.ts";
import { runModels } from "../../../pipelines/run.ts";
import { loadSchemes, parseScheme } from "../../../pipelines/scheme/load.ts";
import { tempDir, testConfig, TZ } from "../../helpers/warehouse.ts";

const SCHEMES = path.join(import.meta.dirname, "..", "..", "..", "schemes");
let dir: string;
let cleanup: () => void;
let wh: Warehouse;
let schemesDir: string;

function writeDraft(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const CERTIFICATIONS_DRAFT = `scheme: support-weighted
version: "2027.1"
effective_from: 2027-01-01
notes: Certifications 25 -> 10 of professional skills; training hours 30, the 360 skill rating 60.
weights: { certifications: 10, training_hours: 30, skill_rating_360: 60 }
`;

/** what a simulation must never change: every scored, scheme and published table, by row count and content hash */
async function fingerprint(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const tables = await wh.all<{ s: string; t: string }>(
    "SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_schema IN ('mart', 'stg', 'int', 'scheme') OR (table_schema = 'meta' AND table_name IN ('scheme_versions', 'published_results', 'period_states', 'manifests')) ORDER BY 1, 2",
  );
  for (const { s, t } of tables) {
    if (s === "mart" && ["rank_replicates", "input_records", "indicator_inputs", "ticket_expectations"].includes(t)) continue; // wide views
    out[`${s}.${t}`] = String(await wh.value(`SELECT count(*) || ':' || coalesce(sum(hash(COLUMNS(*)::VARCHAR)), 0) FROM (SELECT * FROM ${s}.${t})`).catch(async () => wh.value(`SELECT count(*) FROM ${s}.${t}`)));
  }
  return out;
}

beforeAll(async () => {
  const t = tempDir();
  dir = t.dir;
  cleanup = t.cleanup;
  await generateDemo({ out: path.join(dir, "demo"), seed: 42, agents: 40, tickets: 30_000, months: 12, endMonth: "2026-10" });
  const cfg = testConfig(dir, DEMO_SOURCES.map((s) => ({ ...s, path: s.path.replace("demo-data/", "demo/") })));
  wh = await Warehouse.open(cfg.warehouse, { timezone: TZ });
  const r = await ingestSources(wh, cfg);
  expect(r.errors).toEqual([]);
  schemesDir = path.join(dir, "schemes");
  cpSync(SCHEMES, schemesDir, { recursive: true });
  await runModels(wh, loadSchemes(schemesDir));
});

afterAll(() => {
  wh?.close();
  cleanup?.();
});

describe("appraisal simulate", () => {
  it("scores a draft over the last quarters beside the scheme in force, and changes nothing scored or published", async () => {
    const before = await fingerprint();
    const schemes = loadSchemes(schemesDir);
    const draft = loadDraft(writeDraft("certifications.yaml", CERTIFICATIONS_DRAFT), schemes);
    expect(draft.basedOn).toBe("2026.2");
    const r = await simulate(wh, schemes, { draft, choice: { last: parseLast("3q") }, at: new Date("2026-11-20T02:00:00Z") });
    expect(r.periods).toEqual(["2026-Q1", "2026-Q2", "2026-Q3"]);
    expect(await fingerprint()).toEqual(before);
    expect(Number(await wh.value("SELECT count(*) FROM information_schema.schemata WHERE starts_with(schema_name, 'lab_')"))).toBe(0);

    // the scheme in force, as the lab computed it, is exactly what is scored
    const differ = await wh.value<number>(
      `SELECT count(*) FROM meta.lab_agents a JOIN mart.rankings r ON r.scheme_id = 'support-weighted' AND r.period = a.period AND r.agent_id = a.agent_id
       WHERE a.sim_id = $s AND (a.f_composite IS DISTINCT FROM r.composite OR a.f_rank IS DISTINCT FROM r.department_rank OR a.f_grade IS DISTINCT FROM r.grade
         OR a.f_bottom <> coalesce(r.in_bottom_group, false))`,
      { s: r.simId },
    );
    expect(Number(differ)).toBe(0);
    const agents = Number(await wh.value("SELECT count(*) FROM mart.rankings WHERE scheme_id = 'support-weighted' AND period IN ('2026-Q1', '2026-Q2', '2026-Q3')"));
    expect(Number(await wh.value("SELECT count(*) FROM meta.lab_agents WHERE sim_id = $s", { s: r.simId }))).toBe(agents);

    // the draft moves people: certifications weigh less
    const q3 = (await wh.one<{ kendall_tau: number; top10_overlap: number; top10_size: number; ranked_both: number; mean_abs_rank_change: number }>(
      "SELECT * FROM meta.lab_agreement WHERE sim_id = $s AND period = '2026-Q3'",
      { s: r.simId },
    ))!;
    expect(q3.kendall_tau).toBeGreaterThan(0.5);
    expect(q3.kendall_tau).toBeLessThan(1);
    expect(Number(q3.top10_size)).toBe(10);
    expect(q3.mean_abs_rank_change).toBeGreaterThan(0);

    // Kendall's tau-b and the top-10 overlap, recomputed here from the ranks
    const ranks = await wh.all<{ f: number; d: number }>(
      "SELECT f_rank AS f, d_rank AS d FROM meta.lab_agents WHERE sim_id = $s AND period = '2026-Q3' AND f_ranked AND d_ranked",
      { s: r.simId },
    );
    let s = 0;
    let tf = 0;
    let td = 0;
    let pairs = 0;
    for (let i = 0; i < ranks.length; i++)
      for (let j = i + 1; j < ranks.length; j++) {
        const a = Math.sign(Number(ranks[i]!.f) - Number(ranks[j]!.f));
        const b = Math.sign(Number(ranks[i]!.d) - Number(ranks[j]!.d));
        pairs++;
        s += a * b;
        if (a === 0) tf++;
        if (b === 0) td++;
      }
    expect(q3.kendall_tau).toBeCloseTo(s / Math.sqrt((pairs - tf) * (pairs - td)), 12);
    expect(Number(q3.top10_overlap)).toBe(ranks.filter((x) => Number(x.f) <= 10 && Number(x.d) <= 10).length);

    // the grade transition matrix covers every agent ranked under both
    const moved = Number(await wh.value("SELECT sum(agents) FROM meta.lab_grades WHERE sim_id = $s AND period = '2026-Q3'", { s: r.simId }));
    expect(moved).toBe(Number(q3.ranked_both));

    // sensitivity: every indicator of both, moved both ways; the certifications weigh 6.25 in force and 2.5 in the draft
    const sens = await wh.all<{ side: string; weight: number; delta: number }>(
      "SELECT side, weight, delta FROM meta.lab_sensitivity WHERE sim_id = $s AND period = '2026-Q3' AND indicator_id = 'certifications' ORDER BY side, delta",
      { s: r.simId },
    );
    expect(sens.map((x) => [x.side, x.weight, x.delta])).toEqual([
      ["draft", 2.5, -5],
      ["draft", 2.5, 5],
      ["in_force", 6.25, -5],
      ["in_force", 6.25, 5],
    ]);

    // recorded: the run, the audit log
    const audit = await wh.one<{ subject: string; result: string }>(
      "SELECT subject, detail->>'result_sha256' AS result FROM meta.audit_log WHERE action = 'simulate' ORDER BY seq DESC LIMIT 1",
    );
    expect(audit).toEqual({ subject: "support-weighted draft 2027.1", result: r.resultSha256 });

    const text = await formatSimulation(wh, r.simId, { changesOnly: true });
    expect(text).toMatch(/== 2026-Q3\nrank agreement \(.+\): Kendall's tau 0\.\d\d over \d+ agents ranked under both; top 10: \d+ of 10 the same/);
    expect(text).toContain("weight sensitivity");
  });

  it("gives the same result, bit for bit, for the same draft on the same warehouse", async () => {
    const schemes = loadSchemes(schemesDir);
    const draft = loadDraft(writeDraft("certifications.yaml", CERTIFICATIONS_DRAFT), schemes);
    const a = await simulate(wh, schemes, { draft, choice: { period: "2026-Q2" } });
    const b = await simulate(wh, schemes, { draft, choice: { period: "2026-Q2" } });
    expect(b.simId).toBe(a.simId + 1);
    expect(b.resultSha256).toBe(a.resultSha256);
  });

  it("finds no change for a draft equal to the version in force", async () => {
    const schemes = loadSchemes(schemesDir);
    const draft = loadDraft(writeDraft("same.yaml", 'scheme: support-weighted\nversion: "2027.9"\neffective_from: 2027-01-01\n'), schemes);
    const r = await simulate(wh, schemes, { draft, choice: { period: "2026-Q3" } });
    const a = (await wh.one<{ kendall_tau: number; top10_overlap: number; entering_bottom: number; grade_changes: number; max_abs_rank_change: number }>(
      "SELECT * FROM meta.lab_agreement WHERE sim_id = $s",
      { s: r.simId },
    ))!;
    expect([a.kendall_tau, Number(a.top10_overlap), Number(a.entering_bottom), Number(a.grade_changes), Number(a.max_abs_rank_change)]).toEqual([1, 10, 0, 0, 0]);
    // and the sensitivity of the draft is the sensitivity of the version in force
    const sides = await wh.all<{ n: number }>(
      `SELECT count(*) AS n FROM meta.lab_sensitivity f JOIN meta.lab_sensitivity d USING (sim_id, period, indicator_id, delta)
       WHERE sim_id = $s AND f.side = 'in_force' AND d.side = 'draft' AND f.mean_abs_rank_change = d.mean_abs_rank_change AND f.bottom_changes = d.bottom_changes`,
      { s: r.simId },
    );
    expect(Number(sides[0]!.n)).toBe(28); // 14 indicators of 2026.2, each moved both ways
  });

  it("names a draft's mistakes: unknown ids, weights that do not add up, an unknown scheme", () => {
    const schemes = loadSchemes(schemesDir);
    expect(() => loadDraft(writeDraft("x.yaml", 'scheme: support-weighted\nversion: "x1"\neffective_from: 2027-01-01\nweights: { certs: 10 }\n'), schemes)).toThrow(
      /weights: 'certs' is neither an indicator nor a dimension of support-weighted 2026.2/,
    );
    expect(() => loadDraft(writeDraft("y.yaml", 'scheme: support-weighted\nversion: "x1"\neffective_from: 2027-01-01\nweights: { certifications: 10 }\n'), schemes)).toThrow(
      /weights of dimension 'professional_skills' add up to 85; they must add up to 100/,
    );
    expect(() => loadDraft(writeDraft("z.yaml", 'scheme: nope\nversion: "x1"\neffective_from: 2027-01-01\n'), schemes)).toThrow(DraftError);
  });
});

describe("appraisal adopt", () => {
  it("refuses a draft whose effective date would re-score a final period, and adopts one that starts after it", async () => {
    await wh.run("INSERT INTO meta.period_states VALUES ('support-weighted', '2026-09', 'final', '2026-10-20T02:00:00Z', NULL, 2)");
    const schemes = loadSchemes(schemesDir);
    const early = loadDraft(writeDraft("early.yaml", CERTIFICATIONS_DRAFT.replace("2027-01-01", "2026-09-01")), schemes);
    await expect(adopt(wh, { draft: early, reason: "survey" })).rejects.toThrow(
      /takes effect on 2026-09-01, which would re-score a final period: 2026-09 \(final since 2026-10-20\); choose an effective date after 2026-09, or reopen it first/,
    );
    const file = path.join(schemesDir, "support-weighted.yaml");
    const original = readFileSync(file, "utf8");
    const draft = loadDraft(writeDraft("certifications.yaml", CERTIFICATIONS_DRAFT), schemes);
    await expect(adopt(wh, { draft, reason: "  " })).rejects.toThrow(/needs a reason/);
    const r = await adopt(wh, { draft, reason: "the staff survey found certifications unfair without an exam budget", actor: "hr.zhao", at: new Date("2026-11-21T02:00:00Z") });
    expect(r.version).toBe("2027.1");
    expect(r.simulations.length).toBeGreaterThan(0);

    // the file: everything before kept byte for byte, the new version after it; every old version hashes as before
    const text = readFileSync(file, "utf8");
    expect(text.startsWith(original.trimEnd())).toBe(true);
    const reloaded = parseScheme(text, file);
    expect(reloaded.scheme.versions.map((v) => v.version)).toEqual(["2024.1", "2026.1", "2026.2", "2027.1"]);
    for (const [v, h] of Object.entries(draft.inForce.hashes)) expect(reloaded.hashes[v]).toBe(h);
    expect(reloaded.hashes["2027.1"]).toBe(draft.versionSha256);
    const certs = reloaded.scheme.versions[3]!.dimensions.find((d) => d.id === "professional_skills")!.indicators.map((i) => [i.id, i.weight]);
    expect(certs).toEqual([["certifications", 10], ["training_hours", 30], ["skill_rating_360", 60]]);

    const audit = await wh.one<{ actor: string; subject: string; reason: string; from: string }>(
      "SELECT actor, subject, detail->>'reason' AS reason, detail->>'effective_from' AS from FROM meta.audit_log WHERE action = 'adopt'",
    );
    expect(audit).toEqual({ actor: "hr.zhao", subject: "support-weighted 2027.1", reason: "the staff survey found certifications unfair without an exam budget", from: "2027-01-01" });
    expect(Number(await wh.value("SELECT count(*) FROM meta.lab_simulations WHERE adopted_at IS NOT NULL"))).toBe(r.simulations.length);

    // the same version twice is refused
    await expect(adopt(wh, { draft: loadDraft(draft.file, loadSchemes(schemesDir)), reason: "again" })).rejects.toThrow(/already has a version 2027.1/);
  });
});
