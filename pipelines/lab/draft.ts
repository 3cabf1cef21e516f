/**
 * A draft scheme version for the scheme lab: which scheme it would become a version of, its name and effective date,
 * and what changes against a version of that scheme (by default the latest): new weights by indicator or dimension
 * id, or any field of a version given whole (dimensions, grades, rules, ranking, missing, bayes_prior_weight). With
 * `extends: <version>` instead of `based_on:`, those fields are changes merged exactly as in a scheme file (indicators
 * by id, objects by key; pipelines/scheme/inherit.ts). The result is checked as a real version is (weights add up to
 * 100, metrics known, targets the right way round).
 *
 *   scheme: support-weighted
 *   version: "2027.1"
 *   effective_from: 2027-01-01
 *   notes: Certifications 25 -> 10 of professional skills; training hours 30, the 360 skill rating 60.
 *   weights: { certifications: 10, training_hours: 30, skill_rating_360: 60 }
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import YAML from "yaml";
import { z } from "zod";
import { formatZodError } from "../../core/messages.ts";
import { applyChanges, InheritError, VersionChanges } from "../scheme/inherit.ts";
import { findScheme, type LoadedScheme, versionHash } from "../scheme/load.ts";
import { type Scheme, SchemeVersion } from "../scheme/schema.ts";

export const Draft = z
  .object({
    scheme: z.string().min(1),
    version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a version like 2027.1"),
    effective_from: z.iso.date(),
    notes: z.string().optional(),
    /** the version the draft starts from (default: the scheme's latest); fields given replace the base's whole */
    based_on: z.string().optional(),
    /** the version the draft extends: its fields are changes merged exactly as in a scheme file (README, "Schemes that inherit") */
    extends: z.string().optional(),
    /** new weights: indicator id -> share of its dimension, dimension id -> share of the composite (percent) */
    weights: z.record(z.string(), z.number().positive().max(100)).optional(),
    dimensions: z.array(z.unknown()).optional(),
    grades: z.array(z.unknown()).optional(),
    rules: z.record(z.string(), z.unknown()).optional(),
    ranking: z.record(z.string(), z.unknown()).optional(),
    missing: z.enum(["redistribute", "floor"]).optional(),
    bayes_prior_weight: z.number().positive().optional(),
  })
  .strict();
export type Draft = z.infer<typeof Draft>;

export interface LoadedDraft {
  file: string;
  /** sha256 of the draft file's bytes */
  sha256: string;
  draft: Draft;
  /** the scheme in force (as loaded from the schemes folder) */
  inForce: LoadedScheme;
  /** the version the draft starts from */
  basedOn: string;
  /** the draft as a complete, checked version */
  version: SchemeVersion;
  /** a draft that extends a version: the version as its changes (extends, and only what changes), as adopt writes it */
  changes?: Record<string, unknown>;
  /** sha256 of the version's definition, as the warehouse will store it */
  versionSha256: string;
}

export class DraftError extends Error {}

/** The draft as a full version: the based-on version with the draft's changes applied. */
export function applyDraft(scheme: Scheme, d: Draft): { version: SchemeVersion; basedOn: string; changes?: Record<string, unknown> } {
  if (d.extends !== undefined && d.based_on !== undefined)
    throw new DraftError("give either extends: (the draft's fields are changes to merge) or based_on: (its fields replace the base's), not both");
  const from = d.extends ?? d.based_on;
  const base = from !== undefined ? scheme.versions.find((v) => v.version === from) : scheme.versions.at(-1);
  if (!base)
    throw new DraftError(`scheme '${scheme.id}' has no version '${from}' to start from; its versions: ${scheme.versions.map((v) => v.version).join(", ")}`);
  type Candidate = Record<string, unknown> & { dimensions: Array<{ id: string; weight: number; indicators: Array<{ id: string; weight: number }> }> };
  const FIELDS = ["dimensions", "grades", "rules", "ranking", "missing", "bayes_prior_weight"] as const;
  let candidate: Candidate;
  /** a draft that extends: the version as its changes (what adopt writes), weights included */
  let changes: Record<string, unknown> | undefined;
  if (d.extends !== undefined) {
    const change: Record<string, unknown> = { version: d.version, extends: d.extends, effective_from: d.effective_from };
    if (d.notes !== undefined) change.notes = d.notes;
    for (const k of FIELDS) if (d[k] !== undefined) change[k] = d[k];
    const shape = VersionChanges.safeParse(change);
    if (!shape.success) throw new DraftError(formatZodError("the draft's changes", shape.error));
    try {
      candidate = applyChanges(base as unknown as Record<string, unknown>, change) as Candidate;
      changes = structuredClone(change);
    } catch (e) {
      if (e instanceof InheritError) throw new DraftError(`the draft's changes: ${e.path.join(".")}: ${e.message}`);
      throw e;
    }
  } else {
    candidate = structuredClone(base) as unknown as Candidate;
    for (const k of FIELDS) if (d[k] !== undefined) (candidate as Record<string, unknown>)[k] = d[k];
    candidate.version = d.version;
    candidate.effective_from = d.effective_from;
    candidate.notes = d.notes;
  }
  if (candidate.notes === undefined) delete candidate.notes;
  const unknown: string[] = [];
  for (const [id, w] of Object.entries(d.weights ?? {})) {
    const dim = candidate.dimensions.find((x) => x.id === id);
    const ind = candidate.dimensions.flatMap((x) => x.indicators).find((x) => x.id === id);
    if (dim) dim.weight = w;
    else if (ind) ind.weight = w;
    else unknown.push(id);
    if (changes && (dim || ind)) {
      // the weight as a change too, so that an adopted draft is written as its changes (adopt.ts)
      const dimId = dim ? id : candidate.dimensions.find((x) => x.indicators.some((i) => i.id === id))!.id;
      changes.dimensions ??= [];
      const dims = changes.dimensions as Array<Record<string, unknown>>;
      let dc = dims.find((x) => x.id === dimId);
      if (!dc) {
        dc = { id: dimId };
        dims.push(dc);
      }
      if (dim) dc.weight = w;
      else {
        dc.indicators ??= [];
        const inds = dc.indicators as Array<Record<string, unknown>>;
        const ic = inds.find((x) => x.id === id);
        if (ic) ic.weight = w;
        else inds.push({ id, weight: w });
      }
    }
  }
  if (unknown.length)
    throw new DraftError(
      `weights: ${unknown.map((u) => `'${u}'`).join(", ")} ${unknown.length > 1 ? "are" : "is"} neither an indicator nor a dimension of ${scheme.id} ${base.version}; its ids: ${candidate.dimensions.map((x) => `${x.id} (${x.indicators.map((i) => i.id).join(", ")})`).join("; ")}`,
    );
  const parsed = SchemeVersion.safeParse(candidate);
  if (!parsed.success) throw new DraftError(formatZodError("the draft as a version", parsed.error));
  return { version: parsed.data, basedOn: base.version, ...(changes ? { changes } : {}) };
}

export function loadDraft(file: string, schemes: LoadedScheme[]): LoadedDraft {
  if (!existsSync(file)) throw new DraftError(`draft file ${file} does not exist`);
  const bytes = readFileSync(file);
  let raw: unknown;
  try {
    raw = YAML.parse(bytes.toString("utf8"));
  } catch (e) {
    throw new DraftError(`${file} is not valid YAML: ${(e as Error).message}`);
  }
  const parsed = Draft.safeParse(raw);
  if (!parsed.success) throw new DraftError(formatZodError(file, parsed.error));
  const d = parsed.data;
  const inForce = findScheme(schemes, d.scheme);
  if (!inForce) throw new DraftError(`${file}: no scheme '${d.scheme}' in the schemes folder; schemes: ${schemes.map((s) => s.scheme.id).join(", ")}`);
  const { version, basedOn, changes } = applyDraft(inForce.scheme, d);
  return {
    ...(changes ? { changes } : {}),
    file,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    draft: d,
    inForce,
    basedOn,
    version,
    versionSha256: versionHash(inForce.scheme.id, version),
  };
}
