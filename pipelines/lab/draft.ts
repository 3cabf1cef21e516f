/**
 * A draft scheme version for the scheme lab: which scheme it would become a version of, its name and effective date,
 * and what changes against a version of that scheme (by default the latest): new weights by indicator or dimension
 * id, or any field of a version given whole (dimensions, grades, rules, ranking, missing, bayes_prior_weight). The
 * result is checked as a real version is (weights add up to 100, metrics known, targets the right way round).
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
import { findScheme, type LoadedScheme, versionHash } from "../scheme/load.ts";
import { type Scheme, SchemeVersion } from "../scheme/schema.ts";

export const Draft = z
  .object({
    scheme: z.string().min(1),
    version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a version like 2027.1"),
    effective_from: z.iso.date(),
    notes: z.string().optional(),
    /** the version the draft starts from (default: the scheme's latest) */
    based_on: z.string().optional(),
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
  /** sha256 of the version's definition, as the warehouse will store it */
  versionSha256: string;
}

export class DraftError extends Error {}

/** The draft as a full version: the based-on version with the draft's changes applied. */
export function applyDraft(scheme: Scheme, d: Draft): { version: SchemeVersion; basedOn: string } {
  const base = d.based_on ? scheme.versions.find((v) => v.version === d.based_on) : scheme.versions.at(-1);
  if (!base)
    throw new DraftError(`scheme '${scheme.id}' has no version '${d.based_on}' to start from; its versions: ${scheme.versions.map((v) => v.version).join(", ")}`);
  const candidate = structuredClone(base) as Record<string, unknown> & { dimensions: Array<{ id: string; weight: number; indicators: Array<{ id: string; weight: number }> }> };
  const fields = candidate as Record<string, unknown>;
  for (const k of ["dimensions", "grades", "rules", "ranking", "missing", "bayes_prior_weight"] as const) if (d[k] !== undefined) fields[k] = d[k];
  candidate.version = d.version;
  candidate.effective_from = d.effective_from;
  candidate.notes = d.notes;
  if (candidate.notes === undefined) delete candidate.notes;
  const unknown: string[] = [];
  for (const [id, w] of Object.entries(d.weights ?? {})) {
    const dim = candidate.dimensions.find((x) => x.id === id);
    const ind = candidate.dimensions.flatMap((x) => x.indicators).find((x) => x.id === id);
    if (dim) dim.weight = w;
    else if (ind) ind.weight = w;
    else unknown.push(id);
  }
  if (unknown.length)
    throw new DraftError(
      `weights: ${unknown.map((u) => `'${u}'`).join(", ")} ${unknown.length > 1 ? "are" : "is"} neither an indicator nor a dimension of ${scheme.id} ${base.version}; its ids: ${candidate.dimensions.map((x) => `${x.id} (${x.indicators.map((i) => i.id).join(", ")})`).join("; ")}`,
    );
  const parsed = SchemeVersion.safeParse(candidate);
  if (!parsed.success) throw new DraftError(formatZodError("the draft as a version", parsed.error));
  return { version: parsed.data, basedOn: base.version };
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
  const { version, basedOn } = applyDraft(inForce.scheme, d);
  return {
    file,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    draft: d,
    inForce,
    basedOn,
    version,
    versionSha256: versionHash(inForce.scheme.id, version),
  };
}
