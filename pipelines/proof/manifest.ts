/**
 * The manifest of a published period (issue 6, "proof of every number"): what was published, from what, by which
 * rules and code. Written at publication in the same transaction as the published results, hashed, and the hash put
 * in the publish entry of the audit log, so that neither can change unnoticed. `appraisal verify` checks a rebuild
 * against it; the methodology board shows it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { type AuditHead, currentHead } from "../../core/audit.ts";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { canonicalHash, canonicalJson } from "../../core/hash.ts";
import { listModels } from "../run.ts";
import { type BatchFingerprint, type Fingerprint, inputFingerprints, recordFingerprints, tableFingerprints } from "./fingerprint.ts";

export const MANIFEST_FORMAT = 1;

export interface ManifestInput extends BatchFingerprint {
  source: string;
  file: string;
  /** the sha256 of the file as loaded (meta.batches) */
  file_sha256: string;
}

export interface Manifest {
  format: number;
  scheme: {
    id: string;
    /** the version in force for the period */
    version: string;
    sha256: string;
    /** every version of the scheme with the hash of its definition: earlier periods feed trends and the tracker */
    versions: Record<string, string>;
    uncertainty: { replicates: number; seed: number; level: number; period_types: string[] } | null;
  };
  period: { period: string; period_type: string; start_date: string; end_date: string };
  publication: { revision: number; state: string; run_id: number; published_at: string; results_sha256: string };
  code: { models_sha256: string; duckdb: string };
  /** every input batch with rows in force: file hash, and the fingerprint of its rows in force */
  inputs: ManifestInput[];
  /** rows in force per raw table */
  row_counts: Record<string, number>;
  /** records people keep that the models read (corrections, exclusions, committee decisions) */
  records: Record<string, Fingerprint>;
  /** every published table restricted to the scheme and the period: rows and hash */
  tables: Record<string, Fingerprint>;
  /** the audit log's head just before this publication (its entry follows): a copy of the manifest proves the log */
  audit_head?: AuditHead;
}

export const manifestHash = (m: Manifest) => canonicalHash(m);

/** The hash of the code that computes: every model's SQL and the macros. */
export function modelsHash(): string {
  const h = createHash("sha256");
  for (const m of listModels().sort((a, b) => a.name.localeCompare(b.name))) h.update(`${m.name}\n${m.sql}\n`);
  h.update(readFileSync(path.join(import.meta.dirname, "..", "models", "macros.sql"), "utf8"));
  return h.digest("hex");
}

/** The published mart relations (tables and views), by name. */
export const publishedNames = () =>
  listModels()
    .filter((m) => m.name.startsWith("mart."))
    .map((m) => m.name)
    .sort();

export async function inputsWithBatches(wh: Warehouse): Promise<ManifestInput[]> {
  const batches = new Map(
    (await wh.all<{ batch_id: number; source: string; file: string; file_sha256: string }>("SELECT batch_id, source, file, file_sha256 FROM meta.batches")).map(
      (b) => [Number(b.batch_id), b],
    ),
  );
  return (await inputFingerprints(wh)).map((f) => {
    const b = batches.get(f.batch_id);
    return { ...f, source: b?.source ?? "(unknown batch)", file: b?.file ?? "(unknown batch)", file_sha256: b?.file_sha256 ?? "" };
  });
}

export function rowCounts(inputs: ManifestInput[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of inputs) out[i.table] = (out[i.table] ?? 0) + i.rows;
  return out;
}

/** Build the manifest of a scheme's period from the published tables (call it inside the publishing transaction). */
export async function buildManifest(
  wh: Warehouse,
  scheme: string,
  period: string,
  publication: Manifest["publication"],
): Promise<Manifest> {
  const sp = await wh.one<{ version: string; sha256: string; period_type: string; start_date: string; end_date: string }>(
    `SELECT version, sha256, period_type, start_date::VARCHAR AS start_date, end_date::VARCHAR AS end_date
     FROM mart.scheme_periods WHERE scheme_id = $s AND period = $p`,
    { s: scheme, p: period },
  );
  if (!sp) throw new Error(`scheme '${scheme}' has no results for ${period}; run 'appraisal run' first`);
  const versions = await wh.all<{
    version: string;
    sha256: string;
    uncertainty_replicates: number;
    uncertainty_seed: number;
    uncertainty_level: number | null;
    uncertainty_period_types: string[];
  }>(
    `SELECT version, sha256, uncertainty_replicates, uncertainty_seed, uncertainty_level, uncertainty_period_types
     FROM scheme.versions WHERE scheme_id = $s ORDER BY effective_from`,
    { s: scheme },
  );
  const u = versions[0];
  const inputs = await inputsWithBatches(wh);
  return {
    format: MANIFEST_FORMAT,
    scheme: {
      id: scheme,
      version: sp.version,
      sha256: sp.sha256,
      versions: Object.fromEntries(versions.map((v) => [v.version, v.sha256])),
      uncertainty:
        u && u.uncertainty_level !== null
          ? { replicates: Number(u.uncertainty_replicates), seed: Number(u.uncertainty_seed), level: u.uncertainty_level, period_types: u.uncertainty_period_types }
          : null,
    },
    period: { period, period_type: sp.period_type, start_date: sp.start_date, end_date: sp.end_date },
    publication,
    code: { models_sha256: modelsHash(), duckdb: String(await wh.value("SELECT version()")) },
    inputs,
    row_counts: rowCounts(inputs),
    records: await recordFingerprints(wh),
    tables: await tableFingerprints(wh, publishedNames(), scheme, period),
    audit_head: await currentHead(wh),
  };
}

/** Store a manifest beside its publication; returns its hash. */
export async function storeManifest(wh: Warehouse, m: Manifest): Promise<string> {
  const sha = manifestHash(m);
  await wh.run("INSERT INTO meta.manifests VALUES ($s, $p, $r, $at::TIMESTAMPTZ, $sha, $m::JSON)", {
    s: m.scheme.id,
    p: m.period.period,
    r: m.publication.revision,
    at: m.publication.published_at,
    sha,
    m: canonicalJson(m),
  });
  return sha;
}

export interface StoredManifest {
  manifest: Manifest;
  sha256: string;
  revision: number;
}

/** The manifest of a publication: the latest revision unless one is given. */
export async function loadManifest(wh: Warehouse, scheme: string, period: string, revision?: number): Promise<StoredManifest | undefined> {
  const r = await wh.one<{ manifest: string; sha256: string; revision: number }>(
    `SELECT manifest::VARCHAR AS manifest, sha256, revision FROM meta.manifests
     WHERE scheme_id = $s AND period = $p AND ($r IS NULL OR revision = $r) ORDER BY revision DESC LIMIT 1`,
    { s: scheme, p: period, r: revision ?? null },
  );
  return r ? { manifest: JSON.parse(r.manifest) as Manifest, sha256: r.sha256, revision: Number(r.revision) } : undefined;
}
