/**
 * `appraisal simulate --scheme draft.yaml`: score a draft scheme version over past periods beside the scheme in force,
 * in a scratch schema (lab_<run>) built by the same model runner as `appraisal run` and `appraisal verify`, then
 * compare the two in SQL: per agent the composite, rank, grade and bottom-group membership under each; per team the
 * mean; per period the rank agreement (Kendall's tau-b over agents ranked under both, top-10 overlap), who enters or
 * leaves the bottom group, the grade transition matrix; and the weight sensitivity of each: every indicator's share
 * of the composite moved by +-5 points (the others rescaled to keep 100) and how far ranks move. The comparison is
 * kept in meta.lab_* (for the scheme lab board); the scratch schema is dropped. The scored and published tables
 * (stg, mart, scheme, meta.published_results) are never touched. Same inputs, same result: the result's sha256 is
 * recorded and a second simulation of the same draft on the same warehouse gives the same one.
 */
import { createHash } from "node:crypto";
import { appendAudit, currentActor } from "../../core/audit.ts";
import { lit, type Warehouse } from "../../core/db/warehouse.ts";
import { finishRun, type RunMeta, startRun } from "../../core/runs.ts";
import { buildModels, inBuild, listModels, type Model, orderModels, type RunReporter, silentRunReporter } from "../run.ts";
import type { LoadedScheme } from "../scheme/load.ts";
import type { PeriodType } from "../scheme/schema.ts";
import type { LoadedDraft } from "./draft.ts";

/** The draft's scheme id inside the scratch schema. */
export const LAB_SCHEME = "lab-draft";
/** Points an indicator's share of the composite moves in the sensitivity table. */
export const SENSITIVITY_DELTA = 5;

export class SimulateError extends Error {}

export interface PeriodChoice {
  period?: string;
  /** the last n complete periods of a type: { n: 4, type: "quarter" } for --last 4q */
  last?: { n: number; type: PeriodType };
}

export function parseLast(text: string): { n: number; type: PeriodType } {
  const m = /^(\d{1,2})\s*(m|q|y)$/i.exec(text.trim());
  if (!m || Number(m[1]) < 1) throw new SimulateError(`--last ${text}: give a count and m, q or y, like 4q (the last four complete quarters) or 6m`);
  return { n: Number(m[1]), type: ({ m: "month", q: "quarter", y: "year" } as const)[m[2]!.toLowerCase() as "m" | "q" | "y"] };
}

/** The periods to simulate, from the last run's periods. */
export async function choosePeriods(wh: Warehouse, scheme: LoadedScheme, c: PeriodChoice): Promise<{ periods: string[]; type: PeriodType; start: string }> {
  const has = Number(await wh.value("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'mart' AND table_name = 'periods'"));
  if (!has) throw new SimulateError("nothing has been scored yet: run 'appraisal run' (or 'npm run pipeline') first");
  let rows: Array<{ period: string; period_type: PeriodType; start_date: string }>;
  if (c.period) {
    rows = await wh.all("SELECT period, period_type, start_date::VARCHAR AS start_date FROM mart.periods WHERE period = $p", { p: c.period });
    if (!rows.length) throw new SimulateError(`${c.period} is not a period of the data; 'appraisal status' lists them`);
  } else {
    const last = c.last ?? { n: 4, type: "quarter" as PeriodType };
    rows = (
      await wh.all<{ period: string; period_type: PeriodType; start_date: string }>(
        "SELECT period, period_type, start_date::VARCHAR AS start_date FROM mart.periods WHERE period_type = $t AND is_complete ORDER BY start_date DESC LIMIT $n",
        { t: last.type, n: last.n },
      )
    ).reverse();
    if (!rows.length) throw new SimulateError(`the data has no complete ${last.type} yet`);
  }
  const type = rows[0]!.period_type;
  if (!scheme.scheme.period_types.includes(type))
    throw new SimulateError(`${scheme.scheme.id} scores ${scheme.scheme.period_types.join(", ")}, not ${type}s`);
  return { periods: rows.map((r) => r.period), type, start: rows[0]!.start_date };
}

/** The models a simulation needs: the rankings and indicator scores, and what they read. */
export function labModels(): Model[] {
  const all = orderModels(listModels());
  const byName = new Map(all.map((m) => [m.name, m]));
  const keep = new Set<string>();
  const visit = (name: string) => {
    if (keep.has(name)) return;
    keep.add(name);
    for (const d of byName.get(name)?.dependsOn ?? []) visit(d);
  };
  for (const root of ["mart.rankings", "mart.indicator_scores"]) visit(root);
  return all.filter((m) => keep.has(m.name));
}

export interface SimulationResult {
  simId: number;
  scheme: string;
  draft: string;
  periods: string[];
  resultSha256: string;
  seconds: number;
}

export interface SimulateOptions {
  draft: LoadedDraft;
  choice: PeriodChoice;
  meta?: RunMeta;
  actor?: string;
  at?: Date;
  reporter?: RunReporter;
}

const COMPARE = {
  agents: `
    INSERT INTO meta.lab_agents
    WITH f AS (SELECT * FROM mart.rankings WHERE scheme_id = $scheme AND list_contains($periods, period)),
      d AS (SELECT * FROM mart.rankings WHERE scheme_id = $lab AND list_contains($periods, period))
    SELECT $sim, period, coalesce(f.department, d.department), agent_id, coalesce(f.display_name, d.display_name), coalesce(f.team, d.team),
      f.ranked, f.composite, f.department_rank, f.department_ranked, f.grade, coalesce(f.in_bottom_group, false),
      d.ranked, d.composite, d.department_rank, d.department_ranked, d.grade, coalesce(d.in_bottom_group, false),
      f.department_rank - d.department_rank
    FROM f FULL JOIN d USING (period_type, period, agent_id)`,
  teams: `
    INSERT INTO meta.lab_teams
    SELECT sim_id, period, department, team, count(*) FILTER (WHERE f_ranked AND d_ranked),
      det_avg(CASE WHEN f_ranked AND d_ranked THEN f_composite END), det_avg(CASE WHEN f_ranked AND d_ranked THEN d_composite END),
      det_avg(CASE WHEN f_ranked AND d_ranked THEN d_composite - f_composite END),
      count(*) FILTER (WHERE f_bottom), count(*) FILTER (WHERE d_bottom)
    FROM meta.lab_agents WHERE sim_id = $sim GROUP BY ALL`,
  agreement: `
    INSERT INTO meta.lab_agreement
    WITH b AS (SELECT * FROM meta.lab_agents WHERE sim_id = $sim AND f_ranked AND d_ranked),
    pairs AS (
      SELECT x.period, x.department, sign(x.f_rank - y.f_rank) AS sf, sign(x.d_rank - y.d_rank) AS sd
      FROM b x JOIN b y ON x.period = y.period AND x.department IS NOT DISTINCT FROM y.department AND x.agent_id < y.agent_id
    ),
    tau AS (
      SELECT period, department, sum(sf * sd) / sqrt(CAST(count(*) FILTER (WHERE sf <> 0) AS DOUBLE) * count(*) FILTER (WHERE sd <> 0)) AS tau
      FROM pairs GROUP BY ALL
    ),
    a AS (SELECT * FROM meta.lab_agents WHERE sim_id = $sim)
    SELECT $sim, a.period, a.department, count(*) FILTER (WHERE f_ranked AND d_ranked), any_value(t.tau),
      count(*) FILTER (WHERE f_rank <= 10 AND d_rank <= 10), greatest(count(*) FILTER (WHERE f_rank <= 10), count(*) FILTER (WHERE d_rank <= 10)),
      count(*) FILTER (WHERE d_bottom AND NOT f_bottom), count(*) FILTER (WHERE f_bottom AND NOT d_bottom),
      count(*) FILTER (WHERE f_grade IS DISTINCT FROM d_grade AND f_ranked AND d_ranked),
      det_avg(CASE WHEN f_ranked AND d_ranked THEN abs(rank_change) END), max(abs(rank_change))
    FROM a LEFT JOIN tau t ON t.period = a.period AND t.department IS NOT DISTINCT FROM a.department
    GROUP BY ALL`,
  grades: `
    INSERT INTO meta.lab_grades
    SELECT sim_id, period, f_grade, d_grade, count(*) FROM meta.lab_agents
    WHERE sim_id = $sim AND f_ranked AND d_ranked AND f_grade IS NOT NULL AND d_grade IS NOT NULL GROUP BY ALL`,
  // each indicator's share of the composite (W, points of 100) moved by delta, the others rescaled to keep 100; the
  // composite recomputed as the models do (a missing indicator's weight shared within its dimension, then across
  // dimensions), and the ranked agents ranked again
  sensitivity: `
    INSERT INTO meta.lab_sensitivity
    WITH base AS (
      SELECT CASE s.scheme_id WHEN $lab THEN 'draft' ELSE 'in_force' END AS side, s.scheme_id, s.version, s.period, s.department, s.agent_id,
        s.dimension_id, s.indicator_id, s.score, CAST(s.nominal_weight AS DOUBLE) AS w, r.department_rank AS rank0
      FROM mart.indicator_scores s
      JOIN mart.rankings r USING (scheme_id, period_type, period, agent_id)
      WHERE r.ranked AND s.scheme_id IN ($scheme, $lab) AND list_contains($periods, s.period)
    ),
    moved AS (SELECT DISTINCT side, scheme_id, version, period, indicator_id AS k, w AS wk FROM base),
    deltas AS (SELECT unnest([-$delta, $delta]) AS delta),
    perturbed AS (
      SELECT b.*, m.k, d.delta,
        CASE WHEN b.indicator_id = m.k THEN greatest(0, m.wk + d.delta)
             ELSE b.w * (100 - greatest(0, m.wk + d.delta)) / (100 - m.wk) END AS w2
      FROM base b JOIN moved m USING (side, scheme_id, version, period) CROSS JOIN deltas d
      WHERE m.wk < 100
    ),
    dims AS (
      SELECT side, scheme_id, version, period, department, agent_id, rank0, k, delta, dimension_id,
        det_sum(w2) AS dw, det_sum(CASE WHEN score IS NOT NULL THEN w2 END) AS present,
        det_sum(CASE WHEN score IS NOT NULL THEN score * w2 END) AS weighted
      FROM perturbed GROUP BY ALL
    ),
    comp AS (
      SELECT side, scheme_id, version, period, department, agent_id, rank0, k, delta,
        det_sum(CASE WHEN present > 0 THEN dw * weighted / present END) / det_sum(CASE WHEN present > 0 THEN dw END) AS c2
      FROM dims GROUP BY ALL
    ),
    ranked AS (
      SELECT *, rank() OVER w_desc AS rank2, row_number() OVER w_asc AS pos, count(*) OVER w AS n
      FROM (SELECT *, round(c2, 9) AS key FROM comp)
      WINDOW w AS (PARTITION BY side, period, department, k, delta),
        w_desc AS (PARTITION BY side, period, department, k, delta ORDER BY key DESC),
        w_asc AS (PARTITION BY side, period, department, k, delta ORDER BY key ASC, agent_id)
    ),
    cut AS (
      SELECT r.side, r.period, r.department, r.k, r.delta, any_value(r.key) FILTER (WHERE r.pos = CAST(ceil(v.bottom_share * r.n) AS BIGINT)) AS cut,
        any_value(r.n) >= any_value(v.bottom_min_population) AS applies
      FROM ranked r JOIN scheme.versions v ON v.scheme_id = r.scheme_id AND v.version = r.version GROUP BY ALL
    ),
    was AS (
      SELECT scheme_id, period, agent_id, in_bottom_group FROM mart.rankings WHERE ranked AND scheme_id IN ($scheme, $lab) AND list_contains($periods, period)
    ),
    shifts AS (
      SELECT r.side, r.period, r.department, r.k, r.delta, r.agent_id, r.rank0, r.rank2, coalesce(c.applies AND r.key <= c.cut, false) AS bottom2,
        coalesce(w.in_bottom_group, false) AS bottom0
      FROM ranked r JOIN cut c USING (side, period, department, k, delta)
      JOIN was w ON w.scheme_id = r.scheme_id AND w.period = r.period AND w.agent_id = r.agent_id
    ),
    tau AS (
      SELECT x.side, x.period, x.k, x.delta,
        sum(sign(x.rank0 - y.rank0) * sign(x.rank2 - y.rank2)) / sqrt(CAST(count(*) FILTER (WHERE x.rank0 <> y.rank0) AS DOUBLE) * count(*) FILTER (WHERE x.rank2 <> y.rank2)) AS tau
      FROM shifts x JOIN shifts y ON x.side = y.side AND x.period = y.period AND x.department IS NOT DISTINCT FROM y.department AND x.k = y.k AND x.delta = y.delta AND x.agent_id < y.agent_id
      GROUP BY ALL
    ),
    names AS (SELECT scheme_id, indicator_id, arg_max(name_en, version) AS name_en, arg_max(name_zh, version) AS name_zh FROM scheme.indicators GROUP BY ALL)
    SELECT $sim, s.side, s.period, s.k, any_value(n.name_en), any_value(n.name_zh), any_value(m.wk), s.delta, count(*),
      det_avg(abs(s.rank0 - s.rank2)), max(abs(s.rank0 - s.rank2)), any_value(t.tau), count(*) FILTER (WHERE s.bottom0 <> s.bottom2)
    FROM shifts s
    JOIN moved m ON m.side = s.side AND m.period = s.period AND m.k = s.k
    LEFT JOIN tau t ON t.side = s.side AND t.period = s.period AND t.k = s.k AND t.delta = s.delta
    LEFT JOIN names n ON n.scheme_id = m.scheme_id AND n.indicator_id = s.k
    GROUP BY s.side, s.period, s.k, s.delta`,
};

/** The result rows of a simulation, in a fixed order (what the result hash covers). */
export async function resultRows(wh: Warehouse, simId: number): Promise<Record<string, unknown[]>> {
  const q = (sql: string) => wh.all(sql, { sim: simId });
  return {
    agents: await q("SELECT * EXCLUDE (sim_id) FROM meta.lab_agents WHERE sim_id = $sim ORDER BY period, agent_id"),
    teams: await q("SELECT * EXCLUDE (sim_id) FROM meta.lab_teams WHERE sim_id = $sim ORDER BY period, team"),
    agreement: await q("SELECT * EXCLUDE (sim_id) FROM meta.lab_agreement WHERE sim_id = $sim ORDER BY period, department"),
    grades: await q("SELECT * EXCLUDE (sim_id) FROM meta.lab_grades WHERE sim_id = $sim ORDER BY period, f_grade, d_grade"),
    sensitivity: await q("SELECT * EXCLUDE (sim_id) FROM meta.lab_sensitivity WHERE sim_id = $sim ORDER BY side, period, indicator_id, delta"),
  };
}

const stable = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? Number(x) : x instanceof Date ? x.toISOString() : x));

export async function simulate(wh: Warehouse, schemes: LoadedScheme[], o: SimulateOptions): Promise<SimulationResult> {
  const started = performance.now();
  const { draft } = o;
  const inForce = draft.inForce;
  const chosen = await choosePeriods(wh, inForce, o.choice);
  // the scheme in force as it scores today, and the draft as a scheme of its own applied to every chosen period; no
  // rank intervals (they change no composite or rank), only the chosen period type
  const current: LoadedScheme = { ...inForce, scheme: { ...inForce.scheme, uncertainty: undefined, period_types: [chosen.type] } };
  const lab: LoadedScheme = {
    scheme: { ...inForce.scheme, id: LAB_SCHEME, uncertainty: undefined, period_types: [chosen.type], versions: [{ ...draft.version, effective_from: chosen.start }] },
    file: draft.file,
    hashes: { [draft.version.version]: draft.versionSha256 },
  };
  void schemes;
  // a simulation killed half-way leaves its schema behind (the run lock keeps two from running at once)
  for (const { schema_name } of await wh.all<{ schema_name: string }>("SELECT schema_name FROM information_schema.schemata WHERE starts_with(schema_name, 'lab_')"))
    await wh.run(`DROP SCHEMA ${schema_name} CASCADE`);
  const runId = await startRun(wh, "simulate", o.meta ?? { trigger: "manual" });
  const build = `lab_${runId}`;
  const at = (o.at ?? new Date()).toISOString();
  const actor = o.actor ?? currentActor();
  try {
    const models = labModels();
    o.reporter?.start(models.length + 2);
    await buildModels(wh, [current, lab], build, o.reporter ?? silentRunReporter, models);
    // the lab's draft is not a version of anything: it stays out of the record of versions that scored a period
    await wh.run("DELETE FROM meta.scheme_versions WHERE scheme_id = $lab", { lab: LAB_SCHEME });
    o.reporter?.step("compare");
    const simId = Number(await wh.value("SELECT nextval('meta.lab_seq')"));
    const params = { sim: simId, scheme: inForce.scheme.id, lab: LAB_SCHEME, delta: SENSITIVITY_DELTA };
    const periodList = `[${chosen.periods.map(lit).join(", ")}]::VARCHAR[]`;
    const result = await wh.transaction(async () => {
      for (const sql of Object.values(COMPARE)) {
        const used = Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql)));
        await wh.run(inBuild(sql, build).replaceAll("$periods", periodList), used);
      }
      const rows = await resultRows(wh, simId);
      const resultSha256 = createHash("sha256").update(stable(rows)).digest("hex");
      const seconds = Math.round(performance.now() - started) / 1000;
      await wh.run(
        `INSERT INTO meta.lab_simulations VALUES ($sim, $scheme, $v, $from::DATE, $based, $file, $dsha, $vsha, $def::JSON, $notes, ${periodList}, $at::TIMESTAMPTZ, $actor, $sec, $rsha, NULL)`,
        {
          sim: simId,
          scheme: inForce.scheme.id,
          v: draft.version.version,
          from: draft.draft.effective_from,
          based: draft.basedOn,
          file: draft.file,
          dsha: draft.sha256,
          vsha: draft.versionSha256,
          def: JSON.stringify(draft.version),
          notes: (typeof draft.version.notes === "string" ? draft.version.notes : draft.version.notes?.en) ?? null,
          at,
          actor,
          sec: seconds,
          rsha: resultSha256,
        },
      );
      await finishRun(wh, runId, { outcome: "ok", rows: rows.agents!.length, detail: { sim_id: simId, scheme: inForce.scheme.id, draft: draft.version.version, periods: chosen.periods } });
      await appendAudit(wh, {
        action: "simulate",
        subject: `${inForce.scheme.id} draft ${draft.version.version}`,
        detail: { sim_id: simId, periods: chosen.periods, draft_sha256: draft.sha256, version_sha256: draft.versionSha256, result_sha256: resultSha256 },
        actor,
        at,
      });
      return { simId, scheme: inForce.scheme.id, draft: draft.version.version, periods: chosen.periods, resultSha256, seconds };
    });
    o.reporter?.done();
    return result;
  } catch (e) {
    o.reporter?.done();
    await finishRun(wh, runId, { outcome: "failed", error: (e as Error).message }).catch(() => {});
    throw e;
  } finally {
    await wh.run(`DROP SCHEMA IF EXISTS ${build} CASCADE`).catch(() => {});
  }
}
