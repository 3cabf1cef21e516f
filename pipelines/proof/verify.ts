/**
 * `appraisal verify --period P`: rebuild a published period from the warehouse and compare it with the period's
 * manifest. The rebuild uses the scheme definitions the manifest names (meta.scheme_versions, by hash), not today's
 * scheme files, and runs every model into a schema of its own (verify_<run>), which is dropped afterwards; nothing
 * published changes. Every difference is named: an input batch whose rows in force changed, a record table, the model
 * code, each published table whose rows or hash changed, and each agent whose published composite, grade or rank no
 * longer follows. The verification is recorded (meta.verifications, meta.runs, and the audit log).
 */

import { appendAudit } from "../../core/audit.ts";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { finishRun, type RunMeta, startRun } from "../../core/runs.ts";
import { frozenDifferences } from "../rules/frozen.ts";
import { buildModels, inBuild } from "../run.ts";
import { type LoadedScheme, versionHash } from "../scheme/load.ts";
import { Scheme } from "../scheme/schema.ts";
import { type Fingerprint, recordFingerprints, tableFingerprints } from "./fingerprint.ts";
import { inputsWithBatches, loadManifest, type Manifest, manifestHash, modelsHash, publishedNames } from "./manifest.ts";

export interface Difference {
  kind: "manifest" | "scheme" | "code" | "input" | "record" | "table" | "agent" | "frozen";
  name: string;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  scheme: string;
  period: string;
  revision: number;
  manifest_sha256: string;
  checked: { inputs: number; records: number; tables: number; agents: number; frozen: number };
  differences: Difference[];
  seconds: number;
}

export class VerifyError extends Error {}

const short = (h: string) => h.slice(0, 12);
const describe = (f: Fingerprint | undefined) => (f ? `${f.rows.toLocaleString("en")} rows, sha256 ${short(f.sha256)}` : "absent");

/** The scheme as it was: every version the manifest names, from the stored definitions, checked against its hash. */
export async function schemeFromManifest(wh: Warehouse, m: Manifest): Promise<{ scheme?: LoadedScheme; differences: Difference[] }> {
  const differences: Difference[] = [];
  const stored = await wh.all<{ version: string; sha256: string; definition: string }>(
    "SELECT version, sha256, definition::VARCHAR AS definition FROM meta.scheme_versions WHERE scheme_id = $s",
    { s: m.scheme.id },
  );
  const versions: unknown[] = [];
  let header: Record<string, unknown> | undefined;
  for (const [version, sha] of Object.entries(m.scheme.versions)) {
    const def = stored.find((d) => d.version === version && d.sha256 === sha);
    if (!def) {
      differences.push({ kind: "scheme", name: `${m.scheme.id} ${version}`, detail: `no stored definition with sha256 ${short(sha)} in meta.scheme_versions` });
      continue;
    }
    const parsed = JSON.parse(def.definition) as { scheme: Record<string, unknown>; version: unknown };
    header ??= parsed.scheme;
    versions.push(parsed.version);
  }
  if (differences.length || !header) return { differences };
  const r = Scheme.safeParse({ ...header, uncertainty: m.scheme.uncertainty ?? undefined, versions });
  if (!r.success) return { differences: [{ kind: "scheme", name: m.scheme.id, detail: `the stored definitions no longer validate: ${r.error.message}` }] };
  const hashes = Object.fromEntries(r.data.versions.map((v) => [v.version, versionHash(r.data.id, v)]));
  for (const [version, sha] of Object.entries(m.scheme.versions))
    if (hashes[version] !== sha)
      differences.push({ kind: "scheme", name: `${m.scheme.id} ${version}`, detail: `the stored definition hashes to ${short(hashes[version] ?? "")}, not ${short(sha)}` });
  return { scheme: { scheme: r.data, file: "meta.scheme_versions", hashes }, differences };
}

function compareInputs(m: Manifest, now: Awaited<ReturnType<typeof inputsWithBatches>>): Difference[] {
  const out: Difference[] = [];
  const key = (x: { table: string; batch_id: number }) => `${x.table}#${x.batch_id}`;
  const then = new Map(m.inputs.map((i) => [key(i), i]));
  const current = new Map(now.map((i) => [key(i), i]));
  for (const [k, a] of then) {
    const b = current.get(k);
    const where = `${a.table}, batch #${a.batch_id} (${a.file})`;
    if (!b) out.push({ kind: "input", name: a.table, detail: `${where}: ${a.rows.toLocaleString("en")} rows in force at publication, none now` });
    else if (a.rows !== b.rows || a.sha256 !== b.sha256)
      out.push({ kind: "input", name: a.table, detail: `${where}: ${describe(a)} at publication, now ${describe(b)}` });
  }
  for (const [k, b] of current)
    if (!then.has(k))
      out.push({
        kind: "input",
        name: b.table,
        detail: `${b.table}, batch #${b.batch_id} (${b.file}): ${b.rows.toLocaleString("en")} rows in force that were not there at publication`,
      });
  return out;
}

async function compareAgents(wh: Warehouse, m: Manifest, build: string): Promise<{ checked: number; differences: Difference[] }> {
  const rows = await wh.all<{
    agent_id: string;
    p_composite: number | null;
    r_composite: number | null;
    p_grade: string | null;
    r_grade: string | null;
    p_rank: number | null;
    r_rank: number | null;
    p_bottom: boolean | null;
    r_bottom: boolean | null;
    published: boolean;
    rebuilt: boolean;
  }>(
    `WITH p AS (
       SELECT agent_id, composite, grade, department_rank, in_bottom_group FROM meta.published_results
       WHERE scheme_id = $s AND period = $p AND revision = $r
     ),
     b AS (
       SELECT agent_id, composite, grade, department_rank, in_bottom_group FROM ${inBuild("mart.rankings", build)}
       WHERE scheme_id = $s AND period = $p
     )
     SELECT coalesce(p.agent_id, b.agent_id) AS agent_id, p.composite AS p_composite, b.composite AS r_composite,
       p.grade AS p_grade, b.grade AS r_grade, p.department_rank AS p_rank, b.department_rank AS r_rank,
       p.in_bottom_group AS p_bottom, b.in_bottom_group AS r_bottom, p.agent_id IS NOT NULL AS published, b.agent_id IS NOT NULL AS rebuilt
     FROM p FULL JOIN b USING (agent_id) ORDER BY 1`,
    { s: m.scheme.id, p: m.period.period, r: m.publication.revision },
  );
  const differences: Difference[] = [];
  // enough decimals to see the change: a shift in the department's value moves everyone's composite a little
  const num = (x: number | null, other: number | null) =>
    x === null ? "-" : x.toFixed(other !== null && Math.abs(x - other) < 0.005 ? 6 : 2);
  for (const r of rows) {
    if (!r.published || !r.rebuilt) {
      differences.push({ kind: "agent", name: r.agent_id, detail: r.published ? "published, but not in the rebuild" : "in the rebuild, but not published" });
      continue;
    }
    const changes: string[] = [];
    if ((r.p_composite === null) !== (r.r_composite === null) || (r.p_composite !== null && Math.abs(r.p_composite - (r.r_composite ?? 0)) > 1e-9))
      changes.push(`composite ${num(r.p_composite, r.r_composite)} -> ${num(r.r_composite, r.p_composite)}`);
    if (r.p_grade !== r.r_grade) changes.push(`grade ${r.p_grade ?? "-"} -> ${r.r_grade ?? "-"}`);
    if (r.p_rank !== r.r_rank) changes.push(`rank ${r.p_rank ?? "-"} -> ${r.r_rank ?? "-"}`);
    if (Boolean(r.p_bottom) !== Boolean(r.r_bottom)) changes.push(r.r_bottom ? "now in the bottom group" : "no longer in the bottom group");
    if (changes.length) differences.push({ kind: "agent", name: r.agent_id, detail: changes.join(", ") });
  }
  return { checked: rows.length, differences };
}

export interface VerifyOptions {
  scheme: string;
  period: string;
  revision?: number;
  meta?: RunMeta;
  actor?: string;
  /** the moment of the verification (tests pass a fixed one) */
  at?: Date;
}

export async function verifyPeriod(wh: Warehouse, o: VerifyOptions): Promise<VerifyReport> {
  const started = performance.now();
  const stored = await loadManifest(wh, o.scheme, o.period, o.revision);
  if (!stored)
    throw new VerifyError(
      o.revision === undefined
        ? `${o.period} of ${o.scheme} has no manifest: it has not been published (appraisal publish --period ${o.period} --provisional writes one)`
        : `${o.period} of ${o.scheme} has no revision ${o.revision}; 'appraisal manifest --period ${o.period}' shows the latest`,
    );
  const m = stored.manifest;
  const differences: Difference[] = [];

  // the manifest itself: its hash, and the hash the publish entry of the audit log carries
  if (manifestHash(m) !== stored.sha256)
    differences.push({ kind: "manifest", name: "meta.manifests", detail: `the stored manifest hashes to ${short(manifestHash(m))}, not ${short(stored.sha256)}: it was edited` });
  const logged = await wh.value<string | null>(
    `SELECT detail->>'manifest_sha256' FROM meta.audit_log WHERE action = 'publish' AND subject = $subject
       AND CAST(detail->>'revision' AS INTEGER) = $r ORDER BY seq DESC LIMIT 1`,
    { subject: `${o.scheme} ${o.period}`, r: stored.revision },
  );
  if (logged !== stored.sha256)
    differences.push({
      kind: "manifest",
      name: "meta.audit_log",
      detail: logged ? `the audit log recorded manifest ${short(logged)} at publication, not ${short(stored.sha256)}` : "no publish entry in the audit log carries this manifest",
    });

  // inputs, records and code, as they are now
  const inputs = await inputsWithBatches(wh);
  differences.push(...compareInputs(m, inputs));
  const records = await recordFingerprints(wh);
  for (const [t, f] of Object.entries(m.records))
    if (records[t]?.sha256 !== f.sha256 || records[t]?.rows !== f.rows)
      differences.push({ kind: "record", name: t, detail: `${describe(f)} at publication, now ${describe(records[t])}` });
  const code = modelsHash();
  if (code !== m.code.models_sha256)
    differences.push({
      kind: "code",
      name: "pipelines/models",
      detail: `the model code changed since publication (sha256 ${short(m.code.models_sha256)} -> ${short(code)}): a table may differ because of the code, not the data`,
    });

  // what the boards show for the period: the frozen revision, row for row what the manifest recorded
  const frozen = await frozenDifferences(wh, o.scheme, o.period, stored.revision, m.tables);
  for (const f of frozen.differences) differences.push({ kind: "frozen", name: f.relation, detail: f.detail });

  // the rebuild, with the scheme as it was
  const { scheme, differences: schemeDifferences } = await schemeFromManifest(wh, m);
  differences.push(...schemeDifferences);
  // a verification killed halfway leaves its schema behind (the run lock keeps two from running at once)
  for (const { schema_name } of await wh.all<{ schema_name: string }>(
    "SELECT schema_name FROM information_schema.schemata WHERE starts_with(schema_name, 'verify_')",
  ))
    await wh.run(`DROP SCHEMA ${schema_name} CASCADE`);
  const runId = await startRun(wh, "verify", o.meta ?? { trigger: "manual" });
  const build = `verify_${runId}`;
  let tables = 0;
  let agents = 0;
  try {
    if (scheme) {
      await buildModels(wh, [scheme], build);
      const rebuilt = await tableFingerprints(wh, publishedNames(), o.scheme, o.period, (name) => inBuild(name, build));
      for (const [name, f] of Object.entries(m.tables)) {
        tables++;
        const g = rebuilt[name];
        if (!g || g.rows !== f.rows || g.sha256 !== f.sha256)
          differences.push({ kind: "table", name, detail: `${describe(f)} at publication, rebuilt: ${describe(g)}` });
      }
      const a = await compareAgents(wh, m, build);
      agents = a.checked;
      differences.push(...a.differences);
    }
  } finally {
    await wh.run(`DROP SCHEMA IF EXISTS ${build} CASCADE`);
  }
  const report: VerifyReport = {
    ok: differences.length === 0,
    scheme: o.scheme,
    period: o.period,
    revision: stored.revision,
    manifest_sha256: stored.sha256,
    checked: { inputs: m.inputs.length, records: Object.keys(m.records).length, tables, agents, frozen: frozen.checked },
    differences,
    seconds: Math.round(performance.now() - started) / 1000,
  };
  const at = (o.at ?? new Date()).toISOString();
  await wh.transaction(async () => {
    await finishRun(wh, runId, { outcome: "ok", rows: tables, detail: { ok: report.ok, differences: differences.length, scheme: o.scheme, period: o.period } });
    await wh.run("INSERT INTO meta.verifications VALUES ($s, $p, $r, $at::TIMESTAMPTZ, $ok, $d::JSON, $sec)", {
      s: o.scheme,
      p: o.period,
      r: stored.revision,
      at,
      ok: report.ok,
      d: JSON.stringify(differences),
      sec: report.seconds,
    });
    await appendAudit(wh, {
      action: "verify",
      subject: `${o.scheme} ${o.period}`,
      detail: { revision: stored.revision, manifest_sha256: stored.sha256, ok: report.ok, differences: differences.length, tables: differences.filter((d) => d.kind === "table").map((d) => d.name) },
      actor: o.actor,
      at,
    });
  });
  return report;
}

/** The report as text for the terminal: one line per difference, grouped, and what to do next. */
export function formatVerifyReport(r: VerifyReport): string {
  const head = `${r.scheme} ${r.period}, revision ${r.revision} (manifest ${short(r.manifest_sha256)}): checked ${r.checked.inputs} input batches, ${r.checked.records} record tables, ${r.checked.tables} published tables and ${r.checked.agents} agents, and the ${r.checked.frozen} frozen tables the boards show, in ${r.seconds.toFixed(1)} s`;
  if (r.ok) return `verified: ${head}; the published results follow from the warehouse, bit for bit`;
  const lines = [`NOT verified: ${head}`];
  const titles: Record<Difference["kind"], string> = {
    manifest: "the manifest",
    scheme: "the scheme",
    code: "the code",
    input: "inputs changed since publication",
    record: "records changed since publication",
    table: "published tables that no longer rebuild the same",
    agent: "published results that no longer follow",
    frozen: "what the boards show (the frozen revision)",
  };
  for (const kind of Object.keys(titles) as Difference["kind"][]) {
    const ds = r.differences.filter((d) => d.kind === kind);
    if (!ds.length) continue;
    lines.push(`${titles[kind]}:`);
    for (const d of ds.slice(0, 40)) lines.push(`  ${kind === "table" || kind === "agent" || kind === "record" || kind === "frozen" ? `${d.name}: ` : ""}${d.detail}`);
    if (ds.length > 40) lines.push(`  ... and ${ds.length - 40} more (--json lists all)`);
  }
  lines.push(
    `What next: an input that changed on purpose (an accepted appeal's correction, a corrected export) means a new revision: appraisal run, then appraisal publish --period ${r.period} --provisional. Otherwise find who changed it (appraisal audit log, meta.batches) and restore it; appraisal audit verify checks the log itself.`,
  );
  return lines.join("\n");
}
