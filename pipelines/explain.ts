/**
 * `appraisal explain`: the whole path of one agent's score in one period, read from the warehouse: each
 * indicator's raw inputs, value, adjustment, score, weight and contribution; the composite and grade; the rank
 * among how many; and the scheme version (with the hash of its definition) that produced it.
 */
import type { Warehouse } from "../core/db/warehouse.ts";
import { msg } from "../core/messages.ts";
import { METRICS } from "./scheme/metrics.ts";

export interface ExplainIndicator {
  dimension_id: string;
  dimension_weight: number;
  indicator_id: string;
  name_en: string;
  name_zh: string;
  metric: string;
  metric_kind: string;
  direction: string;
  method: string;
  adjust: string;
  min_sample: number;
  raw_value: number | null;
  sample: number | null;
  numerator: number | null;
  denominator: number | null;
  p90: number | null;
  mean: number | null;
  department_value: number | null;
  used_value: number | null;
  floor_used: number | null;
  target_used: number | null;
  score: number | null;
  missing: string | null;
  scored_at_floor: boolean;
  weight: number;
  nominal_weight: number;
  effective_weight: number;
  contribution: number;
  inputs: string;
}

export interface Explanation {
  agent: { agent_id: string; display_name: string; team: string; department: string; role: string; tenure_months: number };
  period: { period: string; period_type: string; start_date: string; end_date: string; is_complete: boolean };
  scheme: { scheme_id: string; name_en: string; name_zh: string; version: string; sha256: string; effective_from: string };
  dimensions: Array<{ dimension_id: string; name_en: string; name_zh: string; weight: number; score: number | null; effective_weight: number }>;
  indicators: ExplainIndicator[];
  /** the sources the department has no data from for the period (mart.source_coverage): nobody is measured on them */
  not_measured: Array<{ source_table: string; reason: string }>;
  result: {
    composite: number | null;
    grade: string | null;
    grade_name_en: string | null;
    grade_name_zh: string | null;
    weight_present: number | null;
    tickets_resolved: number;
    ranked: boolean;
    not_ranked_reason: string | null;
    department_rank: number | null;
    department_ranked: number | null;
    percentile: number | null;
    team_rank: number | null;
    team_ranked: number | null;
    in_bottom_group: boolean | null;
    bottom_cut: number | null;
    tied_at_cut: boolean | null;
    /** where the scheme asks for rank uncertainty (mart.rank_intervals) */
    rank_interval: { low: number; high: number; level: number; replicates: number; crosses_cut: boolean | null; cut_rank: number | null } | null;
  };
}

type RankingRow = Explanation["result"] & {
  display_name: string;
  team: string;
  department: string;
  role: string;
  period_type: string;
  start_date: string;
  end_date: string;
  is_complete: boolean;
};

const fmt = (x: number | null | undefined, digits = 2) =>
  x === null || x === undefined || Number.isNaN(x) ? "-" : Number.isInteger(x) ? String(x) : x.toFixed(digits);

/** A sentence naming the raw inputs behind an indicator's value. */
export function describeInputs(i: Pick<ExplainIndicator, "metric" | "metric_kind" | "raw_value" | "sample" | "numerator" | "denominator" | "p90" | "mean">): string {
  if (i.raw_value === null) return "no data";
  const unit = METRICS[i.metric]?.unit ?? "";
  switch (i.metric_kind) {
    case "count":
    case "sum":
      return `${fmt(i.raw_value)} ${unit}`;
    case "proportion":
      return `${fmt(i.numerator, 0)} of ${fmt(i.denominator, 0)} = ${(100 * i.raw_value).toFixed(1)}%`;
    case "rate100":
      return `${fmt(i.numerator, 0)} in ${fmt(i.denominator, 0)} resolved = ${fmt(i.raw_value)} per 100`;
    case "median":
      return `median of ${fmt(i.sample, 0)}: ${fmt(i.raw_value)} ${unit} (p90 ${fmt(i.p90)}, mean ${fmt(i.mean)})`;
    case "mean":
      return `mean of ${fmt(i.sample, 0)}: ${fmt(i.raw_value)}`;
    case "ratio":
      return `${fmt(i.numerator)} ${METRICS[i.metric]?.observed ?? "observed"} vs ${fmt(i.denominator)} expected for the ticket mix = ${fmt(i.raw_value, 3)}x (${fmt(i.sample, 0)} tickets)`;
    default:
      return fmt(i.raw_value);
  }
}

export async function explain(wh: Warehouse, agentId: string, period: string, schemeId: string): Promise<Explanation> {
  const row = await wh.one<Record<string, unknown>>(
    `SELECT r.*, p.start_date::VARCHAR AS start_date, p.end_date::VARCHAR AS end_date, p.is_complete
     FROM mart.rankings r JOIN mart.periods p USING (period_type, period)
     WHERE r.agent_id = $a AND r.period = $p AND r.scheme_id = $s`,
    { a: agentId, p: period, s: schemeId },
  );
  if (!row) {
    const known = await wh.value<number>("SELECT count(*) FROM stg.agents WHERE agent_id = $a", { a: agentId });
    if (!known) throw new Error(`no agent '${agentId}' in the roster; 'appraisal status' lists how many agents are loaded`);
    const scored = await wh.value<number>("SELECT count(*) FROM mart.scheme_periods WHERE scheme_id = $s AND period = $p", { s: schemeId, p: period });
    if (!scored) throw new Error(await whyNotScored(wh, schemeId, period));
    throw new Error(msg.unknownAgentPeriod(agentId, period));
  }
  const ap = await wh.one<Record<string, unknown>>(
    "SELECT role, tenure_months FROM mart.agent_periods WHERE agent_id = $a AND period = $p",
    { a: agentId, p: period },
  );
  const version = await wh.one<Record<string, unknown>>(
    "SELECT scheme_id, scheme_name_en AS name_en, scheme_name_zh AS name_zh, version, sha256, effective_from::VARCHAR AS effective_from FROM scheme.versions WHERE scheme_id = $s AND version = $v",
    { s: schemeId, v: row.version as string },
  );
  const indicators = (
    await wh.all<ExplainIndicator>(
      `SELECT s.dimension_id, s.dimension_weight, s.indicator_id, i.name_en, i.name_zh, i.metric, i.metric_kind, i.direction, i.method,
         i.adjust, i.min_sample, s.raw_value, s.sample, s.numerator, s.denominator, s.p90, s.mean, s.department_value, s.used_value,
         s.floor_used, s.target_used, s.score, s.missing, s.scored_at_floor, s.weight, s.nominal_weight, s.effective_weight, s.contribution
       FROM mart.indicator_scores s JOIN scheme.indicators i USING (scheme_id, version, indicator_id)
       WHERE s.agent_id = $a AND s.period = $p AND s.scheme_id = $s ORDER BY s.ord`,
      { a: agentId, p: period, s: schemeId },
    )
  ).map((i) => ({ ...i, inputs: describeInputs(i) }));
  const dimensions = await wh.all<Explanation["dimensions"][number]>(
    `SELECT d.dimension_id, sd.name_en, sd.name_zh, d.dimension_weight AS weight, d.score, d.effective_weight
     FROM mart.dimension_scores d JOIN scheme.dimensions sd USING (scheme_id, version, dimension_id)
     WHERE d.agent_id = $a AND d.period = $p AND d.scheme_id = $s ORDER BY sd.ord`,
    { a: agentId, p: period, s: schemeId },
  );
  const notMeasured = await wh.all<{ source_table: string; reason: string }>(
    `SELECT source_table, not_measured AS reason FROM mart.source_coverage WHERE period = $p AND NOT measured ORDER BY source_table`,
    { p: period },
  );
  const interval = await wh.one<NonNullable<Explanation["result"]["rank_interval"]>>(
    `SELECT rank_low AS low, rank_high AS high, level, replicates, crosses_cut, cut_rank FROM mart.rank_intervals
     WHERE agent_id = $a AND period = $p AND scheme_id = $s`,
    { a: agentId, p: period, s: schemeId },
  );
  const r = row as unknown as RankingRow;
  return {
    agent: {
      agent_id: agentId,
      display_name: r.display_name,
      team: r.team,
      department: r.department,
      role: (ap?.role as string) ?? r.role,
      tenure_months: Number(ap?.tenure_months ?? 0),
    },
    period: { period, period_type: r.period_type, start_date: r.start_date, end_date: r.end_date, is_complete: r.is_complete },
    scheme: version as unknown as Explanation["scheme"],
    dimensions,
    indicators,
    not_measured: notMeasured,
    result: {
      composite: r.composite,
      grade: r.grade,
      grade_name_en: r.grade_name_en,
      grade_name_zh: r.grade_name_zh,
      weight_present: r.weight_present,
      tickets_resolved: r.tickets_resolved,
      ranked: r.ranked,
      not_ranked_reason: r.not_ranked_reason,
      department_rank: r.department_rank,
      department_ranked: r.department_ranked,
      percentile: r.percentile,
      team_rank: r.team_rank,
      team_ranked: r.team_ranked,
      in_bottom_group: r.in_bottom_group,
      bottom_cut: r.bottom_cut,
      tied_at_cut: r.tied_at_cut,
      rank_interval: interval ?? null,
    },
  };
}

/**
 * Why a scheme has no score for a period, named: the period has no data, the scheme does not score its type, or the
 * period lies before the scheme's start.
 */
export async function whyNotScored(wh: Warehouse, schemeId: string, period: string): Promise<string> {
  const type = /^\d{4}-\d{2}$/.test(period) ? "month" : /^\d{4}-Q[1-4]$/.test(period) ? "quarter" : /^\d{4}$/.test(period) ? "year" : null;
  if (!type) return msg.badPeriod(period);
  const v = await wh.one<{ types: string[]; start: string | null }>(
    "SELECT any_value(period_types) AS types, any_value(scheme_start)::VARCHAR AS start FROM scheme.versions WHERE scheme_id = $s",
    { s: schemeId },
  );
  if (!v?.types) return `no scheme '${schemeId}' in the last run; 'appraisal status' lists the schemes`;
  const types = [...v.types];
  if (!types.includes(type)) return msg.periodTypeNotScored(schemeId, period, type, types);
  const p = await wh.one<{ period: string }>("SELECT period FROM mart.periods WHERE period = $p", { p: period });
  if (!p) {
    const span = await wh.one<{ first: string | null; last: string | null }>(
      "SELECT min(period) AS first, max(period) AS last FROM mart.periods WHERE period_type = 'month'",
    );
    return msg.periodNotInData(period, span?.first ?? null, span?.last ?? null);
  }
  if (v.start) return msg.periodBeforeSchemeStart(schemeId, v.start, period);
  return `scheme '${schemeId}' has no version in force for ${period}; run 'appraisal run' again`;
}

/** The explanation as text for the terminal. */
export function formatExplanation(e: Explanation): string {
  const lines: string[] = [];
  const a = e.agent;
  const endIncl = new Date(new Date(`${e.period.end_date}T00:00:00Z`).getTime() - 86_400_000).toISOString().slice(0, 10);
  lines.push(`${a.agent_id} ${a.display_name} · team ${a.team} · ${a.department} · ${a.role}, ${a.tenure_months} months in post`);
  lines.push(
    `${e.period.period} (${e.period.period_type}, ${e.period.start_date} to ${endIncl}${e.period.is_complete ? "" : ", data incomplete"}) · scheme ${e.scheme.scheme_id} version ${e.scheme.version} in force since ${e.scheme.effective_from} (definition sha256 ${e.scheme.sha256.slice(0, 12)})`,
  );
  lines.push("");
  const header = ["indicator", "inputs", "value used", "floor -> target", "score", "weight", "effective", "contribution"];
  for (const d of e.dimensions) {
    lines.push(`${d.name_en} (${d.dimension_id}) · weight ${fmt(d.weight)} · dimension score ${fmt(d.score, 1)}`);
    const rows = e.indicators
      .filter((i) => i.dimension_id === d.dimension_id)
      .map((i) => {
        const used =
          i.used_value === null
            ? "-"
            : `${fmt(i.used_value, 3)}${i.adjust !== "none" && i.used_value !== i.raw_value ? ` (${i.adjust}${i.adjust === "bayes" ? ` toward ${fmt(i.department_value, 3)}` : ""})` : ""}`;
        const range = i.method === "target" ? `${fmt(i.floor_used)} -> ${fmt(i.target_used)}` : "percentile of peers";
        const score = i.score === null ? `missing: ${i.missing}` : `${fmt(i.score, 1)}${i.scored_at_floor ? " (floor)" : ""}`;
        return [`${i.name_en} [${i.metric}]`, i.inputs, used, range, score, fmt(i.weight), fmt(i.effective_weight), fmt(i.contribution)];
      });
    lines.push(...table([header, ...rows]).map((l) => `  ${l}`));
    lines.push("");
  }
  const r = e.result;
  lines.push(
    `Composite ${fmt(r.composite, 1)} = sum of contributions · grade ${r.grade ?? "-"} ${r.grade_name_en ?? ""} · ${fmt(r.weight_present, 1)}% of the scheme's weight measured`,
  );
  const reasons: Record<string, string> = { no_source: "no source loaded", before_source: "its data starts later", after_source: "its data ends earlier" };
  if (e.not_measured.length)
    lines.push(
      `Not measured in ${e.period.period} (the department has no such source; its weight is shared among the measured indicators): ${e.not_measured.map((s) => `${s.source_table.replace("_", " ")} (${reasons[s.reason] ?? s.reason})`).join(", ")}`,
    );
  const missing = e.indicators.filter((i) => i.score === null);
  if (missing.length)
    lines.push(
      `Missing (weight shared among the present indicators of the dimension, then across dimensions): ${missing.map((i) => `${i.indicator_id} (${i.missing})`).join("; ")}`,
    );
  if (r.ranked) {
    lines.push(
      `Rank ${r.department_rank} of ${r.department_ranked} in ${a.department} (percentile ${(100 * (r.percentile ?? 0)).toFixed(1)}: share of ranked peers at or below) · team rank ${r.team_rank} of ${r.team_ranked}`,
    );
    const iv = r.rank_interval;
    if (iv)
      lines.push(
        `Rank interval ${iv.low} to ${iv.high} (${Math.round(100 * iv.level)}% of ${iv.replicates} seeded replicates)${iv.crosses_cut ? `; it crosses the bottom-group cut at rank ${iv.cut_rank}: not distinguishable from the agents on the other side` : ""}`,
      );
    if (r.in_bottom_group !== null)
      lines.push(
        r.in_bottom_group
          ? `In the bottom group: composite at or below the cut ${fmt(r.bottom_cut, 2)}${r.tied_at_cut ? " (tied at the cut; all tied agents are included)" : ""}`
          : `Above the bottom-group cut ${fmt(r.bottom_cut, 2)}`,
      );
  } else {
    lines.push(`Not ranked: ${r.not_ranked_reason}`);
  }
  return lines.join("\n");
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => displayWidth(r[c] ?? ""))));
  return rows.map((r) => r.map((cell, c) => cell + " ".repeat(widths[c]! - displayWidth(cell))).join("  ").trimEnd());
}

/** Terminal width of a string: CJK characters take two columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
