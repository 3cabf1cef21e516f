/**
 * Read the schemes from schemes/*.yaml, validate them, and lay them out as tables (schema `scheme`) that the
 * scoring models join. Every version that scores a period is kept in meta.scheme_versions with the hash of its
 * definition, so that an old result can be recomputed with exactly the rules that produced it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { z } from "zod";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { writeTable } from "../../core/db/write-table.ts";
import { canonicalHash } from "../../core/hash.ts";
import { formatZodError } from "../../core/messages.ts";
import { flattenScheme } from "./inherit.ts";
import { Scheme, type SchemeVersion } from "./schema.ts";
import { SCHEME_TABLE_COLUMNS, schemeRows } from "./tables.ts";

export interface LoadedScheme {
  scheme: Scheme;
  file: string;
  /** sha256 of each version's definition, by version name */
  hashes: Record<string, string>;
  /** the version each version extends (`extends:`), by version name; null for a version written in full */
  bases?: Record<string, string | null>;
}

export function versionHash(schemeId: string, v: SchemeVersion): string {
  // keys sorted: the hash depends on content, not on key order in the YAML
  return canonicalHash({ scheme: schemeId, ...v });
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
  const rows = schemeRows(schemes);
  for (const name of ["versions", "dimensions", "indicators", "grades"] as const) await writeTable(wh, table(name), SCHEME_TABLE_COLUMNS[name], rows[name]);
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
