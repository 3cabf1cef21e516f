/**
 * Scheme versions that inherit: a version may say `extends: 2026.1` (another version of the same scheme) and give only
 * what changes. The flattened version is the base (itself flattened) with the changes applied, exactly as if it had
 * been written out in full; it is then checked, hashed and stored like any version, so a version written with extends
 * and the same version written in full have the same hash.
 *
 * The merge, key by key of the changing version:
 * - version, effective_from and notes are the version's own: never inherited (a version says what it changed).
 * - an object (ranking, rules and everything in them, an indicator's scoring, a name) merges by key, recursively;
 *   a key set to null is dropped (it falls back to its default). A scoring whose method changes is replaced whole.
 * - dimensions merge by id, a dimension's indicators by id, grades by grade. An entry whose id is in the base
 *   changes that entry (its fields merge as above); `remove: true` drops it; a new id adds an entry, at the end or
 *   where `after: <id>` or `before: <id>` puts it (which also moves an existing entry). Grades come out highest
 *   band first (ordered by min).
 * - anything else (a number, a string, another list) replaces the base's value; null drops it.
 */
import { z } from "zod";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** the words an entry of a list merged by id may carry besides its fields */
const EntryWords = {
  remove: z.literal(true, { message: "remove: true drops the entry; leave it out to keep it" }).optional(),
  after: z.string().min(1).optional(),
  before: z.string().min(1).optional(),
};
const oneAnchor = (e: { after?: string; before?: string }) => !(e.after && e.before);
const anchorMessage = { message: "give either after: or before:, not both" };
const IndicatorChange = z.looseObject({ id: z.string().min(1), ...EntryWords }).refine(oneAnchor, anchorMessage);
const DimensionChange = z
  .looseObject({ id: z.string().min(1), ...EntryWords, indicators: z.array(IndicatorChange).optional() })
  .refine(oneAnchor, anchorMessage);
const GradeChange = z.looseObject({ grade: z.string().min(1), ...EntryWords }).refine(oneAnchor, anchorMessage);

/** What a version that extends another may say: its own name and date, the base, and only what changes. */
export const VersionChanges = z.looseObject({
  version: z.string().min(1),
  extends: z.string({ message: "extends names a version of the same scheme, like extends: \"2026.1\" (quoted)" }).min(1),
  dimensions: z.array(DimensionChange).optional(),
  grades: z.array(GradeChange).optional(),
});

/** What is wrong in a version's changes: a path (as zod gives them) and a sentence. */
export class InheritError extends Error {
  constructor(
    readonly path: Array<string | number>,
    message: string,
  ) {
    super(message);
  }
}

const OWN = ["version", "effective_from", "notes"];
const ENTRY_WORDS = ["remove", "after", "before"];

/** Merge two objects by key (see the file's comment). */
function mergeObject(base: Obj, change: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(change)) {
    if (v === null || v === undefined) delete out[k];
    else if (k === "scoring" && isObj(v) && isObj(base[k]) && v.method !== undefined && v.method !== (base[k] as Obj).method) out[k] = structuredClone(v);
    else if (isObj(v) && isObj(base[k])) out[k] = mergeObject(base[k] as Obj, v);
    else out[k] = structuredClone(v);
  }
  return out;
}

/**
 * Merge a list of entries by key (id or grade): change, remove, add or move entries. `nested` merges a field that is
 * itself a list by id (a dimension's indicators).
 */
function mergeList(base: unknown, changes: Obj[], key: string, what: string, at: Array<string | number>, nested?: (b: Obj, c: Obj, at: Array<string | number>) => Obj): Obj[] {
  const out: Obj[] = Array.isArray(base) ? base.filter(isObj).map((e) => ({ ...e })) : [];
  const ids = () => out.map((e) => String(e[key])).join(", ");
  changes.forEach((c, i) => {
    const id = String(c[key]);
    const here = [...at, i];
    const idx = out.findIndex((e) => String(e[key]) === id);
    if (c.remove === true) {
      if (idx < 0) throw new InheritError([...here, "remove"], `the base has no ${what} '${id}' to remove; its ${what}s: ${ids()}`);
      const extra = Object.keys(c).filter((k) => k !== key && k !== "remove");
      if (extra.length) throw new InheritError([...here, "remove"], `${what} '${id}' is removed, so ${extra.join(", ")} would mean nothing; drop them or the remove`);
      out.splice(idx, 1);
      return;
    }
    const fields: Obj = Object.fromEntries(Object.entries(c).filter(([k]) => !ENTRY_WORDS.includes(k)));
    let entry: Obj;
    if (idx >= 0) {
      const [old] = out.splice(idx, 1) as [Obj];
      entry = nested ? nested(old, fields, here) : mergeObject(old, fields);
      if (!c.after && !c.before) {
        out.splice(idx, 0, entry);
        return;
      }
    } else {
      entry = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));
      if (nested) entry = nested({}, entry, here);
    }
    const anchor = (c.after ?? c.before) as string | undefined;
    if (!anchor) {
      out.push(entry);
      return;
    }
    const at2 = out.findIndex((e) => String(e[key]) === anchor);
    if (at2 < 0) throw new InheritError([...here, c.after ? "after" : "before"], `no ${what} '${anchor}' to place '${id}' ${c.after ? "after" : "before"}; the ${what}s: ${ids()}`);
    out.splice(c.after ? at2 + 1 : at2, 0, entry);
  });
  return out;
}

const mergeDimension = (base: Obj, change: Obj, at: Array<string | number>): Obj => {
  const { indicators, ...rest } = change;
  const out = mergeObject(base, rest);
  if (Array.isArray(indicators)) out.indicators = mergeList(base.indicators, indicators as Obj[], "id", "indicator", [...at, "indicators"]);
  return out;
};

/**
 * One version's changes applied to its (flattened) base: the version as if written in full, without `extends`.
 * `at` is where the changing version sits in its file (for errors).
 */
export function applyChanges(base: Obj, change: Obj, at: Array<string | number> = []): Obj {
  const out: Obj = Object.fromEntries(Object.entries(base).filter(([k]) => !OWN.includes(k)));
  for (const k of OWN) if (change[k] !== undefined && change[k] !== null) out[k] = structuredClone(change[k]);
  for (const [k, v] of Object.entries(change)) {
    if (OWN.includes(k) || k === "extends") continue;
    if (v === null || v === undefined) delete out[k];
    else if (k === "dimensions" && Array.isArray(v)) out[k] = mergeList(base[k], v as Obj[], "id", "dimension", [...at, k], mergeDimension);
    else if (k === "grades" && Array.isArray(v))
      out[k] = mergeList(base[k], v as Obj[], "grade", "grade", [...at, k]).sort((a, b) => Number(b.min) - Number(a.min));
    else if (isObj(v) && isObj(base[k])) out[k] = mergeObject(base[k] as Obj, v);
    else out[k] = structuredClone(v);
  }
  return out;
}

/** Where a version came from: its chain of bases, nearest first (empty for a version written in full). */
export type Lineage = Record<string, string[]>;

/**
 * Flatten the versions of a scheme as read from its file (before validation): every version that extends another
 * becomes the full version. Throws a ZodError-like list of problems (path and message) for an unknown base, a cycle,
 * or a change that cannot apply. Returns the scheme with flattened versions, and each version's chain of bases.
 */
export function flattenScheme(raw: unknown): { scheme: unknown; lineage: Lineage; problems: Array<{ path: Array<string | number>; message: string }> } {
  const problems: Array<{ path: Array<string | number>; message: string }> = [];
  if (!isObj(raw) || !Array.isArray(raw.versions)) return { scheme: raw, lineage: {}, problems };
  const versions = raw.versions as unknown[];
  const name = (v: unknown) => (isObj(v) && v.version !== undefined && v.version !== null ? String(v.version) : undefined);
  const index = new Map<string, number>();
  versions.forEach((v, i) => {
    const n = name(v);
    if (n !== undefined && !index.has(n)) index.set(n, i);
  });
  const known = [...index.keys()].join(", ");
  const flat = new Map<number, Obj | null>();
  const lineage: Lineage = {};
  const resolve = (i: number, chain: number[]): Obj | null => {
    if (flat.has(i)) return flat.get(i)!;
    const v = versions[i];
    if (!isObj(v) || v.extends === undefined) {
      if (isObj(v)) {
        for (const [di, d] of (Array.isArray(v.dimensions) ? v.dimensions : []).entries())
          for (const w of ENTRY_WORDS)
            if (isObj(d) && (d[w] !== undefined || (Array.isArray(d.indicators) && d.indicators.some((x) => isObj(x) && x[w] !== undefined))))
              problems.push({ path: ["versions", i, "dimensions", di], message: `${w}: only means something in a version that extends another (extends: "<version>")` });
        if (name(v)) lineage[name(v)!] = [];
      }
      flat.set(i, isObj(v) ? v : null);
      return flat.get(i)!;
    }
    const at: Array<string | number> = ["versions", i];
    const parsed = VersionChanges.safeParse(v);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ path: [...at, ...(issue.path as Array<string | number>)], message: issue.message });
      flat.set(i, null);
      return null;
    }
    const baseIndex = index.get(String(v.extends));
    if (baseIndex === undefined) {
      problems.push({ path: [...at, "extends"], message: `no version '${v.extends}' in this scheme to extend; its versions: ${known}` });
      flat.set(i, null);
      return null;
    }
    if (baseIndex === i || chain.includes(baseIndex)) {
      const loop = [...chain.slice(Math.max(chain.indexOf(baseIndex), 0)), i, baseIndex].map((x) => name(versions[x]));
      problems.push({ path: [...at, "extends"], message: `versions extend each other in a cycle (${loop.join(" extends ")}); one of them must be written in full` });
      flat.set(i, null);
      return null;
    }
    const base = resolve(baseIndex, [...chain, i]);
    if (!base) {
      flat.set(i, null);
      return null;
    }
    try {
      const out = applyChanges(base, v, at);
      lineage[name(v)!] = [String(v.extends), ...(lineage[String(v.extends)] ?? [])];
      flat.set(i, out);
      return out;
    } catch (e) {
      if (!(e instanceof InheritError)) throw e;
      problems.push({ path: e.path, message: e.message });
      flat.set(i, null);
      return null;
    }
  };
  const out = versions.map((v, i) => resolve(i, []) ?? v);
  return { scheme: { ...raw, versions: out }, lineage, problems };
}
