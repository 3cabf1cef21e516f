/**
 * The schemes laid out as tables (schema `scheme`: versions, dimensions, indicators, grades), each described once:
 * a column's name, its DuckDB type and where its value comes from, in one table per scheme table. The DDL and every
 * row are derived from that description, so a column is written in one place.
 */
import type { Columns, ColumnType } from "../../core/db/write-table.ts";
import { METRICS, type MetricDef } from "./metrics.ts";
import { DEFAULT_REVIEW_WORKING_DAYS, type Dimension, type Grade, type Indicator, type Scheme, type SchemeVersion } from "./schema.ts";

/** a column: its type, and its value for one row's context */
type Column<C> = readonly [ColumnType, (c: C) => unknown];
type ColumnTable<C> = Record<string, Column<C>>;

interface VersionRow {
  scheme: Scheme;
  v: SchemeVersion;
  /** the version's place in the scheme, oldest first */
  vi: number;
  sha256: string;
}
interface DimensionRow extends VersionRow {
  d: Dimension;
  di: number;
}
interface IndicatorRow extends DimensionRow {
  ind: Indicator;
  ii: number;
  metric: MetricDef;
}
interface GradeRow extends VersionRow {
  g: Grade;
  gi: number;
}

const label = (l: { en: string; "zh-CN"?: string }) => ({ en: l.en, zh: l["zh-CN"] ?? l.en });
const target = (ind: Indicator) => (ind.scoring.method === "target" ? ind.scoring : null);

export const VERSION_COLUMNS: ColumnTable<VersionRow> = {
  scheme_id: ["VARCHAR", ({ scheme }) => scheme.id],
  scheme_name_en: ["VARCHAR", ({ scheme }) => label(scheme.name).en],
  scheme_name_zh: ["VARCHAR", ({ scheme }) => label(scheme.name).zh],
  departments: ["VARCHAR[]", ({ scheme }) => scheme.applies_to.departments],
  roles: ["VARCHAR[]", ({ scheme }) => scheme.applies_to.roles],
  period_types: ["VARCHAR[]", ({ scheme }) => scheme.period_types],
  version: ["VARCHAR", ({ v }) => v.version],
  sha256: ["VARCHAR", ({ sha256 }) => sha256],
  effective_from: ["DATE", ({ v }) => v.effective_from],
  effective_to: ["DATE", ({ scheme, vi }) => scheme.versions[vi + 1]?.effective_from ?? null],
  // the first version also scores the periods before it, unless the scheme names a start
  applies_from: ["DATE", ({ scheme, v, vi }) => (vi === 0 ? (scheme.start ?? null) : v.effective_from)],
  scheme_start: ["DATE", ({ scheme }) => scheme.start ?? null],
  missing_policy: ["VARCHAR", ({ v }) => v.missing],
  bayes_prior_weight: ["DOUBLE", ({ v }) => v.bayes_prior_weight],
  min_tickets_month: ["BIGINT", ({ v }) => v.ranking.min_tickets.month ?? 0],
  min_tickets_quarter: ["BIGINT", ({ v }) => v.ranking.min_tickets.quarter ?? 0],
  min_tickets_year: ["BIGINT", ({ v }) => v.ranking.min_tickets.year ?? 0],
  min_weight_present: ["DOUBLE", ({ v }) => v.ranking.min_weight_present],
  bottom_share: ["DOUBLE", ({ v }) => v.rules.bottom_group.share],
  bottom_min_population: ["BIGINT", ({ v }) => v.rules.bottom_group.min_population],
  consecutive_quarters: ["BIGINT", ({ v }) => v.rules.bottom_group.consecutive_quarters],
  new_hire_months: ["BIGINT", ({ v }) => v.rules.exclusions.new_hire_months],
  trigger_complaints: ["BIGINT", ({ v }) => v.rules.triggers.quality.complaints],
  trigger_serious_errors: ["BIGINT", ({ v }) => v.rules.triggers.quality.serious_errors],
  trigger_resolved_share: ["DOUBLE", ({ v }) => v.rules.triggers.efficiency.resolved_below_share_of_median],
  trigger_resolution_multiple: ["DOUBLE", ({ v }) => v.rules.triggers.efficiency.resolution_time_above_multiple],
  appeal_window_working_days: ["BIGINT", ({ v }) => v.rules.publication.appeal_window_working_days],
  review_decision_working_days: ["BIGINT", ({ v }) => v.rules.review?.decision_working_days ?? DEFAULT_REVIEW_WORKING_DAYS],
  bonus_min_score: ["DOUBLE", ({ v }) => v.rules.incentives.bonus_min_score],
  promotion_consecutive_periods: ["BIGINT", ({ v }) => v.rules.incentives.promotion_consecutive_periods],
  training_below_score: ["DOUBLE", ({ v }) => v.rules.incentives.training_below_score],
  honours_top: ["BIGINT", ({ v }) => v.rules.incentives.honours_top],
  notes: ["VARCHAR", ({ v }) => (typeof v.notes === "string" ? v.notes : v.notes?.en) ?? null],
  notes_zh: ["VARCHAR", ({ v }) => (typeof v.notes === "string" ? null : v.notes?.["zh-CN"]) ?? null],
  uncertainty_replicates: ["BIGINT", ({ scheme }) => scheme.uncertainty?.replicates ?? 0],
  uncertainty_seed: ["BIGINT", ({ scheme }) => scheme.uncertainty?.seed ?? 0],
  uncertainty_level: ["DOUBLE", ({ scheme }) => scheme.uncertainty?.level ?? null],
  uncertainty_period_types: ["VARCHAR[]", ({ scheme }) => scheme.uncertainty?.period_types ?? []],
};

export const DIMENSION_COLUMNS: ColumnTable<DimensionRow> = {
  scheme_id: ["VARCHAR", ({ scheme }) => scheme.id],
  version: ["VARCHAR", ({ v }) => v.version],
  dimension_id: ["VARCHAR", ({ d }) => d.id],
  name_en: ["VARCHAR", ({ d }) => label(d.name).en],
  name_zh: ["VARCHAR", ({ d }) => label(d.name).zh],
  weight: ["DECIMAL(9,4)", ({ d }) => d.weight],
  ord: ["BIGINT", ({ di }) => di],
};

export const INDICATOR_COLUMNS: ColumnTable<IndicatorRow> = {
  scheme_id: ["VARCHAR", ({ scheme }) => scheme.id],
  version: ["VARCHAR", ({ v }) => v.version],
  dimension_id: ["VARCHAR", ({ d }) => d.id],
  dimension_weight: ["DECIMAL(9,4)", ({ d }) => d.weight],
  indicator_id: ["VARCHAR", ({ ind }) => ind.id],
  name_en: ["VARCHAR", ({ ind }) => label(ind.name).en],
  name_zh: ["VARCHAR", ({ ind }) => label(ind.name).zh],
  metric: ["VARCHAR", ({ ind }) => ind.metric],
  metric_kind: ["VARCHAR", ({ metric }) => metric.kind],
  direction: ["VARCHAR", ({ metric }) => metric.direction],
  weight: ["DECIMAL(9,4)", ({ ind }) => ind.weight],
  nominal_weight: ["DECIMAL(12,6)", ({ d, ind }) => (d.weight * ind.weight) / 100],
  method: ["VARCHAR", ({ ind }) => ind.scoring.method],
  floor: ["DOUBLE", ({ ind }) => target(ind)?.floor ?? null],
  target: ["DOUBLE", ({ ind }) => target(ind)?.target ?? null],
  per_month: ["BOOLEAN", ({ ind }) => target(ind)?.per === "month"],
  adjust: ["VARCHAR", ({ ind }) => ind.adjust],
  min_sample: ["BIGINT", ({ ind }) => ind.min_sample],
  missing_policy: ["VARCHAR", ({ v, ind }) => ind.missing ?? v.missing],
  ord: ["BIGINT", ({ di, ii }) => di * 100 + ii],
  input_sets: ["VARCHAR[]", ({ metric }) => metric.inputs],
  source_table: ["VARCHAR", ({ metric }) => metric.source],
};

export const GRADE_COLUMNS: ColumnTable<GradeRow> = {
  scheme_id: ["VARCHAR", ({ scheme }) => scheme.id],
  version: ["VARCHAR", ({ v }) => v.version],
  grade: ["VARCHAR", ({ g }) => g.grade],
  min_score: ["DOUBLE", ({ g }) => g.min],
  max_score: ["DOUBLE", ({ v, gi }) => (gi === 0 ? null : v.grades[gi - 1]!.min)],
  name_en: ["VARCHAR", ({ g }) => label(g.name).en],
  name_zh: ["VARCHAR", ({ g }) => label(g.name).zh],
  ord: ["BIGINT", ({ gi }) => gi],
};

/** The DDL of a column table: name -> type. */
export function columnTypes<C>(cols: ColumnTable<C>): Columns {
  return Object.fromEntries(Object.entries(cols).map(([name, [type]]) => [name, type]));
}

function rowsOf<C>(cols: ColumnTable<C>, contexts: C[]): Array<Record<string, unknown>> {
  const entries = Object.entries(cols);
  return contexts.map((c) => Object.fromEntries(entries.map(([name, [, value]]) => [name, value(c)])));
}

/** The four scheme tables' rows, from the validated schemes (and each version's hash). */
export function schemeRows(schemes: Array<{ scheme: Scheme; hashes: Record<string, string> }>) {
  const versions: VersionRow[] = [];
  const dimensions: DimensionRow[] = [];
  const indicators: IndicatorRow[] = [];
  const grades: GradeRow[] = [];
  for (const { scheme, hashes } of schemes)
    scheme.versions.forEach((v, vi) => {
      const row: VersionRow = { scheme, v, vi, sha256: hashes[v.version]! };
      versions.push(row);
      v.dimensions.forEach((d, di) => {
        dimensions.push({ ...row, d, di });
        d.indicators.forEach((ind, ii) => {
          indicators.push({ ...row, d, di, ind, ii, metric: METRICS[ind.metric]! });
        });
      });
      v.grades.forEach((g, gi) => {
        grades.push({ ...row, g, gi });
      });
    });
  return {
    versions: rowsOf(VERSION_COLUMNS, versions),
    dimensions: rowsOf(DIMENSION_COLUMNS, dimensions),
    indicators: rowsOf(INDICATOR_COLUMNS, indicators),
    grades: rowsOf(GRADE_COLUMNS, grades),
  };
}

/** Each scheme table's columns (the DDL), by table name. */
export const SCHEME_TABLE_COLUMNS = {
  versions: columnTypes(VERSION_COLUMNS),
  dimensions: columnTypes(DIMENSION_COLUMNS),
  indicators: columnTypes(INDICATOR_COLUMNS),
  grades: columnTypes(GRADE_COLUMNS),
};
