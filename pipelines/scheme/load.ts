/**
 * Read the schemes from schemes/*.yaml, validate them, and lay them out as tables (schema `scheme`) that the
 * scoring models join. Every version that scores a period is kept in meta.scheme_versions with the hash of its
 * definition, so that an old result can be recomputed with exactly the rules that produced it.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { z } from "zod";
import type { Warehouse } from "../db/warehouse.ts";
import { writeTable } from "../db/write-table.ts";
import { formatZodError } from "../messages.ts";
import { flattenScheme } from "./inherit.ts";
import { METRICS } from "./metrics.ts";
import { DEFAULT_REVIEW_WORKING_DAYS, Scheme, type SchemeVersion } from "./schema.ts";

export interface LoadedScheme {
  scheme: Scheme;
  file: string;
  /** sha256 of each version's definition, by version name */
  hashes: Record<string, string>;
  /** the version each version extends (`extends:`), by version name; null for a version written in full */
  bases?: Record<string, string | null>;
}

/** Stable JSON: keys sorted, so that the hash depends on content, not on key order in the YAML. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

export function versionHash(schemeId: string, v: SchemeVersion): string {
  return createHash("sha256").update(stableJson({ scheme: schemeId, ...v })).digest("hex");
}

export function parseScheme(text: string, file: string): LoadedScheme {
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid YAML: ${(e as Error).message}`);
  }
  // versions that say `extends:` are flattened first (inherit.ts), then checked as if written in full
  const flat = flattenScheme(raw);
  if (flat.problems.length)
    throw new Error(formatZodError(file, new z.ZodError(flat.problems.map((p) => ({ code: "custom" as const, path: p.path, message: p.message, input: undefined })))));
  const parsed = Scheme.safeParse(flat.scheme);
  if (!parsed.success) {
    // a problem inside a flattened version is at its place in the full version: say which versions made it
    const issues = parsed.error.issues.map((issue) => {
      const v = issue.path[0] === "versions" && typeof issue.path[1] === "number" ? (raw as { versions: Array<Record<string, unknown>> }).versions[issue.path[1]] : undefined;
      const chain = v ? flat.lineage[String(v.version)] : undefined;
      return chain?.length ? { ...issue, message: `${issue.message} (in version ${String(v!.version)} as flattened: its changes on ${chain.join(" on ")})` } : issue;
    });
    throw new Error(formatZodError(file, new z.ZodError(issues)));
  }
  const scheme = parsed.data;
  return {
    scheme,
    file,
    hashes: Object.fromEntries(scheme.versions.map((v) => [v.version, versionHash(scheme.id, v)])),
    bases: Object.fromEntries(scheme.versions.map((v) => [v.version, flat.lineage[v.version]?.[0] ?? null])),
  };
}

export function loadSchemes(dir: string): LoadedScheme[] {
  if (!existsSync(dir)) throw new Error(`the schemes folder ${dir} does not exist; set schemes_dir in the config`);
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml") || f.endsWith(".yml")).sort();
  if (!files.length) throw new Error(`no scheme (*.yaml) in ${dir}`);
  const loaded = files.map((f) => parseScheme(readFileSync(path.join(dir, f), "utf8"), path.join(dir, f)));
  const ids = loaded.map((l) => l.scheme.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new Error(`two files in ${dir} define scheme '${dup}'`);
  return loaded;
}

/** What a stored definition keeps of the scheme beside its version (meta.scheme_versions, manifests). */
export function schemeHeader(scheme: Scheme): Omit<Scheme, "versions" | "description" | "source"> {
  return {
    id: scheme.id,
    name: scheme.name,
    applies_to: scheme.applies_to,
    period_types: scheme.period_types,
    ...(scheme.start ? { start: scheme.start } : {}),
    ...(scheme.uncertainty ? { uncertainty: scheme.uncertainty } : {}),
  };
}

export function findScheme(schemes: LoadedScheme[], id: string): LoadedScheme | undefined {
  return schemes.find((s) => s.scheme.id === id);
}

/**
 * The version of a scheme in force on a date (YYYY-MM-DD): the latest that took effect on or before it; before the
 * first version's effective_from, the first version (unless the scheme's start is later than the date).
 */
export function versionInForce(scheme: Scheme, date: string): SchemeVersion | undefined {
  if (scheme.start && date < scheme.start) return undefined;
  return [...scheme.versions].reverse().find((v) => v.effective_from <= date) ?? scheme.versions[0];
}

/**
 * Lay the schemes out as tables (versions, dimensions, indicators, grades; `table` names where each goes,
 * scheme.<name> by default), and remember every version in meta.scheme_versions.
 */
export async function writeSchemeTables(
  wh: Warehouse,
  schemes: LoadedScheme[],
  table: (name: string) => string = (name) => `scheme.${name}`,
): Promise<void> {
  if (table("x") === "scheme.x") await wh.run("CREATE SCHEMA IF NOT EXISTS scheme");
  const versions: Array<Record<string, unknown>> = [];
  const dimensions: Array<Record<string, unknown>> = [];
  const indicators: Array<Record<string, unknown>> = [];
  const grades: Array<Record<string, unknown>> = [];
  for (const { scheme, hashes } of schemes) {
    scheme.versions.forEach((v, vi) => {
      const next = scheme.versions[vi + 1];
      const sha = hashes[v.version]!;
      versions.push({
        scheme_id: scheme.id,
        scheme_name_en: scheme.name.en,
        scheme_name_zh: scheme.name["zh-CN"] ?? scheme.name.en,
        departments: scheme.applies_to.departments,
        roles: scheme.applies_to.roles,
        period_types: scheme.period_types,
        version: v.version,
        sha256: sha,
        effective_from: v.effective_from,
        effective_to: next?.effective_from ?? null,
        // the first version also scores the periods before it, unless the scheme names a start
        applies_from: vi === 0 ? (scheme.start ?? null) : v.effective_from,
        scheme_start: scheme.start ?? null,
        missing_policy: v.missing,
        bayes_prior_weight: v.bayes_prior_weight,
        min_tickets_month: v.ranking.min_tickets.month ?? 0,
        min_tickets_quarter: v.ranking.min_tickets.quarter ?? 0,
        min_tickets_year: v.ranking.min_tickets.year ?? 0,
        min_weight_present: v.ranking.min_weight_present,
        bottom_share: v.rules.bottom_group.share,
        bottom_min_population: v.rules.bottom_group.min_population,
        consecutive_quarters: v.rules.bottom_group.consecutive_quarters,
        new_hire_months: v.rules.exclusions.new_hire_months,
        trigger_complaints: v.rules.triggers.quality.complaints,
        trigger_serious_errors: v.rules.triggers.quality.serious_errors,
        trigger_resolved_share: v.rules.triggers.efficiency.resolved_below_share_of_median,
        trigger_resolution_multiple: v.rules.triggers.efficiency.resolution_time_above_multiple,
        appeal_window_working_days: v.rules.publication.appeal_window_working_days,
        review_decision_working_days: v.rules.review?.decision_working_days ?? DEFAULT_REVIEW_WORKING_DAYS,
        bonus_min_score: v.rules.incentives.bonus_min_score,
        promotion_consecutive_periods: v.rules.incentives.promotion_consecutive_periods,
        training_below_score: v.rules.incentives.training_below_score,
        honours_top: v.rules.incentives.honours_top,
        notes: (typeof v.notes === "string" ? v.notes : v.notes?.en) ?? null,
        notes_zh: (typeof v.notes === "string" ? null : v.notes?.["zh-CN"]) ?? null,
        uncertainty_replicates: scheme.uncertainty?.replicates ?? 0,
        uncertainty_seed: scheme.uncertainty?.seed ?? 0,
        uncertainty_level: scheme.uncertainty?.level ?? null,
        uncertainty_period_types: scheme.uncertainty?.period_types ?? [],
      });
      v.dimensions.forEach((d, di) => {
        dimensions.push({
          scheme_id: scheme.id,
          version: v.version,
          dimension_id: d.id,
          name_en: d.name.en,
          name_zh: d.name["zh-CN"] ?? d.name.en,
          weight: d.weight,
          ord: di,
        });
        d.indicators.forEach((ind, ii) => {
          const metric = METRICS[ind.metric]!;
          indicators.push({
            scheme_id: scheme.id,
            version: v.version,
            dimension_id: d.id,
            dimension_weight: d.weight,
            indicator_id: ind.id,
            name_en: ind.name.en,
            name_zh: ind.name["zh-CN"] ?? ind.name.en,
            metric: ind.metric,
            metric_kind: metric.kind,
            direction: metric.direction,
            weight: ind.weight,
            nominal_weight: (d.weight * ind.weight) / 100,
            method: ind.scoring.method,
            floor: ind.scoring.method === "target" ? ind.scoring.floor : null,
            target: ind.scoring.method === "target" ? ind.scoring.target : null,
            per_month: ind.scoring.method === "target" && ind.scoring.per === "month",
            adjust: ind.adjust,
            min_sample: ind.min_sample,
            missing_policy: ind.missing ?? v.missing,
            ord: di * 100 + ii,
            input_sets: metric.inputs,
            source_table: metric.source,
          });
        });
      });
      v.grades.forEach((g, gi) => {
        grades.push({
          scheme_id: scheme.id,
          version: v.version,
          grade: g.grade,
          min_score: g.min,
          max_score: gi === 0 ? null : v.grades[gi - 1]!.min,
          name_en: g.name.en,
          name_zh: g.name["zh-CN"] ?? g.name.en,
          ord: gi,
        });
      });
    });
  }
  await writeTable(
    wh,
    table("versions"),
    {
      scheme_id: "VARCHAR",
      scheme_name_en: "VARCHAR",
      scheme_name_zh: "VARCHAR",
      departments: "VARCHAR[]",
      roles: "VARCHAR[]",
      period_types: "VARCHAR[]",
      version: "VARCHAR",
      sha256: "VARCHAR",
      effective_from: "DATE",
      effective_to: "DATE",
      applies_from: "DATE",
      scheme_start: "DATE",
      missing_policy: "VARCHAR",
      bayes_prior_weight: "DOUBLE",
      min_tickets_month: "BIGINT",
      min_tickets_quarter: "BIGINT",
      min_tickets_year: "BIGINT",
      min_weight_present: "DOUBLE",
      bottom_share: "DOUBLE",
      bottom_min_population: "BIGINT",
      consecutive_quarters: "BIGINT",
      new_hire_months: "BIGINT",
      trigger_complaints: "BIGINT",
      trigger_serious_errors: "BIGINT",
      trigger_resolved_share: "DOUBLE",
      trigger_resolution_multiple: "DOUBLE",
      appeal_window_working_days: "BIGINT",
      review_decision_working_days: "BIGINT",
      bonus_min_score: "DOUBLE",
      promotion_consecutive_periods: "BIGINT",
      training_below_score: "DOUBLE",
      honours_top: "BIGINT",
      notes: "VARCHAR",
      notes_zh: "VARCHAR",
      uncertainty_replicates: "BIGINT",
      uncertainty_seed: "BIGINT",
      uncertainty_level: "DOUBLE",
      uncertainty_period_types: "VARCHAR[]",
    },
    versions,
  );
  await writeTable(
    wh,
    table("dimensions"),
    { scheme_id: "VARCHAR", version: "VARCHAR", dimension_id: "VARCHAR", name_en: "VARCHAR", name_zh: "VARCHAR", weight: "DECIMAL(9,4)", ord: "BIGINT" },
    dimensions,
  );
  await writeTable(
    wh,
    table("indicators"),
    {
      scheme_id: "VARCHAR",
      version: "VARCHAR",
      dimension_id: "VARCHAR",
      dimension_weight: "DECIMAL(9,4)",
      indicator_id: "VARCHAR",
      name_en: "VARCHAR",
      name_zh: "VARCHAR",
      metric: "VARCHAR",
      metric_kind: "VARCHAR",
      direction: "VARCHAR",
      weight: "DECIMAL(9,4)",
      nominal_weight: "DECIMAL(12,6)",
      method: "VARCHAR",
      floor: "DOUBLE",
      target: "DOUBLE",
      per_month: "BOOLEAN",
      adjust: "VARCHAR",
      min_sample: "BIGINT",
      missing_policy: "VARCHAR",
      ord: "BIGINT",
      input_sets: "VARCHAR[]",
      source_table: "VARCHAR",
    },
    indicators,
  );
  await writeTable(
    wh,
    table("grades"),
    {
      scheme_id: "VARCHAR",
      version: "VARCHAR",
      grade: "VARCHAR",
      min_score: "DOUBLE",
      max_score: "DOUBLE",
      name_en: "VARCHAR",
      name_zh: "VARCHAR",
      ord: "BIGINT",
    },
    grades,
  );
  for (const { scheme, hashes } of schemes) {
    for (const [vi, v] of scheme.versions.entries()) {
      await wh.run(
        `INSERT INTO meta.scheme_versions (scheme_id, version, effective_from, effective_to, sha256, definition)
         SELECT $id, $v, $from::DATE, $to::DATE, $sha, $def::JSON
         WHERE NOT EXISTS (SELECT 1 FROM meta.scheme_versions WHERE scheme_id = $id AND version = $v AND sha256 = $sha)`,
        {
          id: scheme.id,
          v: v.version,
          from: v.effective_from,
          to: scheme.versions[vi + 1]?.effective_from ?? null,
          sha: hashes[v.version]!,
          def: JSON.stringify({ scheme: schemeHeader(scheme), version: v }),
        },
      );
    }
  }
}
