/**
 * `appraisal run`: rebuild the models in dependency order (raw -> staging -> metrics -> scores -> rankings ->
 * trends -> rules) into a fresh build schema, run the checks there, and publish the build in one short transaction;
 * a failed model or check leaves the last good results, so readers only ever see a complete, checked set.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Warehouse } from "./db/warehouse.ts";
import { appendAudit } from "./rules/audit.ts";
import { type PendingSummary, recordPendingChanges } from "./rules/frozen.ts";
import { type RunMeta, startRun } from "./schedule/runs.ts";
import { type LoadedScheme, writeSchemeTables } from "./scheme/load.ts";

const MODELS_DIR = path.join(import.meta.dirname, "models");
const CHECKS_DIR = path.join(import.meta.dirname, "checks");
export const LAYERS = ["staging", "metrics", "scores", "rankings", "trends", "rules"] as const;

export interface Model {
  /** schema-qualified name: stg.tickets, mart.rankings */
  name: string;
  layer: (typeof LAYERS)[number];
  file: string;
  sql: string;
  dependsOn: string[];
  /** staging models, and models whose first line is `-- materialized: view`, are views (computed when read) */
  kind: "VIEW" | "TABLE";
}

/**
 * The models, each named by its file: staging/stg_x.sql is the view stg.x, other layers' y.sql the table mart.y
 * (or the view mart.y when its first line is `-- materialized: view`: for wide per-ticket detail that only a few
 * readers need, such as the input links, so that a run does not pay for writing it).
 */
export function listModels(): Model[] {
  const models: Model[] = [];
  for (const layer of LAYERS) {
    for (const f of readdirSync(path.join(MODELS_DIR, layer)).filter((x) => x.endsWith(".sql")).sort()) {
      const base = f.replace(/\.sql$/, "");
      const name = layer === "staging" ? `stg.${base.replace(/^stg_/, "")}` : `mart.${base}`;
      const file = path.join(MODELS_DIR, layer, f);
      const sql = readFileSync(file, "utf8");
      const refs = new Set([...sql.matchAll(/\b(stg|mart)\.([a-z_0-9]+)\b/g)].map((m) => `${m[1]}.${m[2]}`));
      refs.delete(name);
      const kind = layer === "staging" || /^--\s*materialized:\s*view\b/.test(sql) ? "VIEW" : "TABLE";
      models.push({ name, layer, file, sql, dependsOn: [...refs], kind });
    }
  }
  return models;
}

/** Dependency order; an unknown reference or a cycle is an error naming the model. */
export function orderModels(models: Model[]): Model[] {
  const byName = new Map(models.map((m) => [m.name, m]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: Model[] = [];
  const visit = (m: Model, chain: string[]) => {
    if (done.has(m.name)) return;
    if (visiting.has(m.name)) throw new Error(`models depend on each other in a cycle: ${[...chain, m.name].join(" -> ")}`);
    visiting.add(m.name);
    for (const d of m.dependsOn) {
      const dep = byName.get(d);
      if (!dep) throw new Error(`${path.relative(process.cwd(), m.file)} reads ${d}, which no model builds`);
      visit(dep, [...chain, m.name]);
    }
    visiting.delete(m.name);
    done.add(m.name);
    out.push(m);
  };
  for (const m of models) visit(m, []);
  return out;
}

export interface Check {
  name: string;
  sql: string;
}

export function listChecks(): Check[] {
  return readdirSync(CHECKS_DIR)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => ({ name: f.replace(/\.sql$/, ""), sql: readFileSync(path.join(CHECKS_DIR, f), "utf8") }));
}

export interface RunReporter {
  start(total: number): void;
  step(name: string): void;
  done(): void;
}
export const silentRunReporter: RunReporter = { start() {}, step() {}, done() {} };

export interface CheckFailure {
  check: string;
  rows: number;
  sample: Array<Record<string, unknown>>;
}

export class ChecksFailed extends Error {
  constructor(readonly failures: CheckFailure[]) {
    super(
      `checks failed, nothing was changed:\n${failures
        .map((f) => `  ${f.check}: ${f.rows} row${f.rows === 1 ? "" : "s"}, e.g. ${JSON.stringify(f.sample[0], (_k, v) => (typeof v === "bigint" ? Number(v) : v))}`)
        .join("\n")}`,
    );
  }
}

export interface RunResult {
  runId: number;
  models: number;
  checks: number;
  tables: Record<string, number>;
  seconds: number;
  /** published periods whose live results now differ from what was published (they stay out; see rules/frozen.ts) */
  pending: PendingSummary[];
}

/** Point a model's or check's SQL at the build schema: mart.x -> build.x, stg.x -> build.stg__x, scheme.x -> build.scheme__x. */
export function inBuild(sql: string, build: string): string {
  return sql.replace(/\b(mart|stg|scheme)\.([a-z_0-9]+)\b/g, (_m, schema: string, name: string) =>
    schema === "mart" ? `${build}.${name}` : `${build}.${schema}__${name}`,
  );
}

const SCHEME_TABLES = ["versions", "dimensions", "indicators", "grades"];

/**
 * Build every model into the schema `build` (dropped and created fresh): the schemes' tables, the macros, then
 * each model in dependency order. Nothing outside `build` changes; `appraisal run` publishes a build, and
 * `appraisal verify` builds one to compare with a published period and drops it.
 */
export async function buildModels(
  wh: Warehouse,
  schemes: LoadedScheme[],
  build: string,
  reporter: RunReporter = silentRunReporter,
  models: Model[] = orderModels(listModels()),
): Promise<Record<string, number>> {
  reporter.step("schemes");
  await wh.run(`DROP SCHEMA IF EXISTS ${build} CASCADE; CREATE SCHEMA ${build}`);
  await writeSchemeTables(wh, schemes, (name) => `${build}.scheme__${name}`);
  await wh.run(readFileSync(path.join(MODELS_DIR, "macros.sql"), "utf8"));
  const seconds: Record<string, number> = {};
  for (const m of models) {
    reporter.step(m.name);
    const t0 = performance.now();
    try {
      await wh.run(`CREATE ${m.kind} ${inBuild(m.name, build)} AS\n${inBuild(m.sql, build)}`);
    } catch (e) {
      throw new Error(`model ${m.name} (${path.relative(process.cwd(), m.file)}) failed: ${(e as Error).message}`);
    }
    seconds[m.name] = Math.round(performance.now() - t0) / 1000;
  }
  return seconds;
}

/**
 * Rebuild every model into a fresh schema build_<run>, run every check against it, and only then switch the
 * published names (stg.*, scheme.*, mart.*, which are views) to the new build in one short transaction. A failed
 * model or check drops the build and leaves the last good results in place; readers never see half a run.
 * (Building outside one long transaction is also about twice as fast in DuckDB.)
 */
export async function runModels(
  wh: Warehouse,
  schemes: LoadedScheme[],
  reporter: RunReporter = silentRunReporter,
  meta: RunMeta = { trigger: "manual" },
): Promise<RunResult> {
  const started = Date.now();
  const models = orderModels(listModels());
  const checks = listChecks();
  const runId = await startRun(wh, "run", meta);
  const build = `build_${runId}`;
  // the corrections of decided appeals this run includes: publication refuses results older than a correction
  const correctionsUpto = Number(await wh.value("SELECT coalesce(max(correction_id), 0) FROM meta.corrections"));
  reporter.start(models.length + checks.length + 2);
  try {
    const modelSeconds = await buildModels(wh, schemes, build, reporter, models);
    const failures: CheckFailure[] = [];
    for (const c of checks) {
      reporter.step(`check ${c.name}`);
      const sql = inBuild(c.sql, build);
      const rows = await wh.all(`SELECT * FROM (${sql}) LIMIT 5`);
      if (rows.length) failures.push({ check: c.name, rows: Number(await wh.value(`SELECT count(*) FROM (${sql})`)), sample: rows });
    }
    if (failures.length) throw new ChecksFailed(failures);
    const tables: Record<string, number> = {};
    for (const m of models.filter((x) => x.kind === "TABLE")) tables[m.name] = Number(await wh.value(`SELECT count(*) FROM ${inBuild(m.name, build)}`));

    reporter.step("publish");
    await wh.transaction(async () => {
      await wh.run("CREATE SCHEMA IF NOT EXISTS stg; CREATE SCHEMA IF NOT EXISTS mart; CREATE SCHEMA IF NOT EXISTS scheme");
      const names = [...models.map((m) => m.name), ...SCHEME_TABLES.map((t) => `scheme.${t}`)];
      for (const name of names) {
        const [schema, table] = name.split(".") as [string, string];
        const kind = await wh.value<string | null>(
          "SELECT table_type FROM information_schema.tables WHERE table_schema = $s AND table_name = $t",
          { s: schema, t: table },
        );
        if (kind === "BASE TABLE") await wh.run(`DROP TABLE ${name}`);
        await wh.run(`CREATE OR REPLACE VIEW ${name} AS SELECT * FROM ${inBuild(name, build)}`);
      }
      await wh.run("UPDATE meta.runs SET finished_at = current_timestamp, outcome = 'ok', rows = $rows, detail = $d::JSON WHERE run_id = $id", {
        id: runId,
        rows: Object.values(tables).reduce((a, b) => a + b, 0),
        d: JSON.stringify({
          models: models.length,
          checks: checks.length,
          tables,
          seconds: (Date.now() - started) / 1000,
          build,
          corrections_upto: correctionsUpto,
          model_seconds: modelSeconds,
        }),
      });
      await appendAudit(wh, {
        action: "run",
        subject: `run #${runId}`,
        detail: {
          outcome: "ok",
          schemes: schemes.flatMap((s) => Object.entries(s.hashes).map(([version, sha256]) => ({ scheme: s.scheme.id, version, sha256 }))),
          checks: checks.map((c) => c.name),
          tables,
        },
      });
    });
    await dropOtherBuilds(wh, build);
    // what this run would change in published periods: recorded, never shown until a new publication lets it in
    const pending = await recordPendingChanges(wh, runId);
    reporter.done();
    return { runId, models: models.length, checks: checks.length, tables, seconds: (Date.now() - started) / 1000, pending };
  } catch (e) {
    reporter.done();
    await wh.run(`DROP SCHEMA IF EXISTS ${build} CASCADE`).catch(() => {});
    await wh.run("UPDATE meta.runs SET finished_at = current_timestamp, outcome = 'failed', error = $e WHERE run_id = $id", {
      id: runId,
      e: (e as Error).message.slice(0, 4000),
    });
    await appendAudit(wh, { action: "run", subject: `run #${runId}`, detail: { outcome: "failed", error: (e as Error).message.slice(0, 2000) } });
    throw e;
  }
}

/** Earlier builds (the one replaced, or one left by a crashed run) are dropped once the new one is published. */
async function dropOtherBuilds(wh: Warehouse, keep: string): Promise<void> {
  const schemas = await wh.all<{ schema_name: string }>(
    "SELECT schema_name FROM information_schema.schemata WHERE starts_with(schema_name, 'build_') AND schema_name <> $k",
    { k: keep },
  );
  for (const { schema_name } of schemas) await wh.run(`DROP SCHEMA ${schema_name} CASCADE`);
}
