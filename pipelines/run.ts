/**
 * `appraisal run`: rebuild the models in dependency order (raw -> staging -> metrics -> scores -> rankings ->
 * trends -> rules) into a fresh build schema, run the checks there, and publish the build in one short transaction;
 * a failed model or check leaves the last good results, so readers only ever see a complete, checked set. A refresh
 * whose changes were all traced to periods instead updates the published build in place, those periods only, in one
 * transaction with its checks (pipelines/incremental.ts); `--full` asks for a fresh build whatever changed.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { appendAudit } from "../core/audit.ts";
import { BusinessHours } from "../core/calendar/config.ts";
import { CN_VERSION, CN_YEARS, calendarDays } from "../core/calendar/days.ts";
import { CONTRACTS } from "../core/contracts/tables.ts";
import { uniqueCurrentKeysSql } from "../core/contracts/to-sql.ts";
import { localTimeMacro } from "../core/db/local-time.ts";
import type { Warehouse } from "../core/db/warehouse.ts";
import { writeTable } from "../core/db/write-table.ts";
import { msg } from "../core/messages.ts";
import { type RunMeta, startRun } from "../core/runs.ts";
import { IncrementalBuild, type IncrementalReport, PERIOD_ORDER } from "./incremental.ts";
import { type PendingSummary, recordPendingChanges } from "./rules/frozen.ts";
import { currentInputs, inputChanges, type Rebuilt } from "./run-changes.ts";
import { type LoadedScheme, writeSchemeTables } from "./scheme/load.ts";
import { METRICS } from "./scheme/metrics.ts";
import { SCHEME_TABLE_COLUMNS } from "./scheme/tables.ts";

const MODELS_DIR = path.join(import.meta.dirname, "models");
const CHECKS_DIR = path.join(import.meta.dirname, "checks");
export const LAYERS = ["staging", "intermediate", "metrics", "scores", "rankings", "trends", "rules"] as const;

export interface Model {
  /** schema-qualified name: stg.tickets, int.tickets_credited, mart.rankings */
  name: string;
  layer: (typeof LAYERS)[number];
  file: string;
  sql: string;
  dependsOn: string[];
  /** staging and intermediate models, and models whose first line is `-- materialized: view`, are views (computed when read) */
  kind: "VIEW" | "TABLE";
  /**
   * `-- incremental: by period` in its header: a table whose rows of a period depend only on that period's inputs
   * (no previous period, no running total, no window across periods), so that a refresh recomputes only the touched
   * periods and keeps the others' rows from the last build (pipelines/incremental.ts).
   */
  incremental: boolean;
}

/**
 * The models, each named by its file: staging/stg_x.sql is the view stg.x, intermediate/int_x.sql the view int.x (the
 * rules of METRICS.md that several metrics share: credit and appeal corrections), other layers' y.sql the table mart.y
 * (or the view mart.y when its first line is `-- materialized: view`: for wide per-ticket detail that only a few
 * readers need, such as the input links, so that a run does not pay for writing it).
 */
export function listModels(): Model[] {
  const models: Model[] = [];
  for (const layer of LAYERS) {
    for (const f of readdirSync(path.join(MODELS_DIR, layer)).filter((x) => x.endsWith(".sql")).sort()) {
      const base = f.replace(/\.sql$/, "");
      const name = layer === "staging" ? `stg.${base.replace(/^stg_/, "")}` : layer === "intermediate" ? `int.${base.replace(/^int_/, "")}` : `mart.${base}`;
      const file = path.join(MODELS_DIR, layer, f);
      const sql = readFileSync(file, "utf8");
      const refs = new Set([...sql.matchAll(/\b(stg|int|mart)\.([a-z_0-9]+)\b/g)].map((m) => `${m[1]}.${m[2]}`));
      refs.delete(name);
      const kind = layer === "staging" || layer === "intermediate" || /^--\s*materialized:\s*view\b/.test(sql) ? "VIEW" : "TABLE";
      const incremental = /^--\s*incremental:\s*by period\s*$/m.test(sql);
      if (incremental && kind !== "TABLE") throw new Error(`${path.relative(process.cwd(), file)} says 'incremental: by period' but is a view: only tables are kept between runs`);
      models.push({ name, layer, file, sql, dependsOn: [...refs], kind, incremental });
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

/** The checks: pipelines/checks/*.sql, and unique_current_keys generated from the contracts' keys (a refresh's: of the
 *  keys loaded after `afterBatch`, core/contracts/to-sql.ts). */
export function listChecks(opts: { afterBatch?: number } = {}): Check[] {
  return [
    ...readdirSync(CHECKS_DIR)
      .filter((f) => f.endsWith(".sql"))
      .map((f) => ({ name: f.replace(/\.sql$/, ""), sql: readFileSync(path.join(CHECKS_DIR, f), "utf8") })),
    { name: "unique_current_keys", sql: uniqueCurrentKeysSql(Object.values(CONTRACTS), opts) },
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
  /** what the run could not score and how to fix it (periods with data before a scheme's start) */
  warnings: string[];
  /** published periods whose live results now differ from what was published (they stay out; see rules/frozen.ts) */
  pending: PendingSummary[];
  /** what the run rebuilt: only the touched periods, or every period and why */
  rebuilt?: Rebuilt;
}

/**
 * Periods with data that a scheme would score by its period types but has no version in force for: only the periods
 * before a scheme's `start:` (without one, the first version scores every earlier period). One line per scheme and
 * period type, with the fix.
 */
export async function unscoredPeriods(wh: Warehouse, build: string): Promise<string[]> {
  const rows = await wh.all<{ scheme_id: string; period_type: string; start: string; n: number; first: string; last: string }>(
    inBuild(
      `SELECT v.scheme_id, p.period_type, v.start::VARCHAR AS start, count(*) AS n, min(p.period) AS first, max(p.period) AS last
       FROM (SELECT DISTINCT scheme_id, unnest(period_types) AS period_type, scheme_start AS start FROM scheme.versions) v
       JOIN mart.periods p USING (period_type)
       ANTI JOIN mart.scheme_periods sp ON sp.scheme_id = v.scheme_id AND sp.period_type = p.period_type AND sp.period = p.period
       GROUP BY ALL`,
      build,
    ),
  );
  const order = (r: (typeof rows)[number]) => `${r.scheme_id} ${["month", "quarter", "year"].indexOf(r.period_type)}`;
  return rows.sort((a, b) => order(a).localeCompare(order(b))).map((r) => msg.periodsBeforeSchemeStart(r.scheme_id, r.start, Number(r.n), r.period_type, r.first, r.last));
}

/** Point a model's or check's SQL at the build schema: mart.x -> build.x, stg.x -> build.stg__x, int.x -> build.int__x,
 *  scheme.x -> build.scheme__x, calendar.x -> build.calendar__x. */
export function inBuild(sql: string, build: string): string {
  return sql.replace(/\b(mart|stg|int|scheme|calendar)\.([a-z_0-9]+)\b/g, (_m, schema: string, name: string) =>
    schema === "mart" ? `${build}.${name}` : `${build}.${schema}__${name}`,
  );
}

const SCHEME_TABLES = Object.keys(SCHEME_TABLE_COLUMNS);
const CALENDAR_TABLES = ["days", "schedules", "sla_targets"];

/** The department's working calendar for a run (config business_hours, timezone, holidays). */
export interface CalendarInput {
  businessHours: BusinessHours;
  timezone: string;
  /** config `holidays`: closures besides business_hours.closures */
  closures: string[];
}

/**
 * Lay the working calendar out as tables (calendar.days: per schedule and day its kind and working spans; schedules;
 * sla_targets) for the days the tickets span, a week either side. Small: a few thousand rows per schedule.
 */
export async function writeCalendarTables(wh: Warehouse, cal: CalendarInput, table: (name: string) => string): Promise<{ from: string; to: string } | null> {
  const span = await wh.one<{ from: string | null; to: string | null }>(
    `SELECT (min(created_at)::DATE - 7)::VARCHAR AS "from",
       (max(greatest(created_at, coalesce(first_response_at, created_at), coalesce(resolved_at, created_at)))::DATE + 7)::VARCHAR AS "to"
     FROM raw.tickets WHERE _current`,
  );
  const days = span?.from && span.to ? calendarDays(cal.businessHours, cal.timezone, span.from, span.to, cal.closures) : [];
  await writeTable(
    wh,
    table("days"),
    { schedule: "VARCHAR", timezone: "VARCHAR", day: "DATE", kind: "VARCHAR", name: "VARCHAR", spans: "STRUCT(s INTEGER, e INTEGER)[]" },
    days as unknown as Array<Record<string, unknown>>,
  );
  const main = cal.businessHours.schedules.find((x) => !x.teams.length) ?? cal.businessHours.schedules[0]!;
  await writeTable(
    wh,
    table("schedules"),
    { schedule: "VARCHAR", timezone: "VARCHAR", teams: "VARCHAR[]", is_default: "BOOLEAN" },
    cal.businessHours.schedules.map((x) => ({ schedule: x.name, timezone: x.timezone ?? cal.timezone, teams: x.teams, is_default: x === main })),
  );
  await writeTable(
    wh,
    table("sla_targets"),
    { priority: "VARCHAR", hours: "DOUBLE" },
    Object.entries(cal.businessHours.sla_hours).map(([priority, hours]) => ({ priority, hours })),
  );
  return span?.from && span.to ? { from: span.from, to: span.to } : null;
}

const BUSINESS_METRICS = Object.entries(METRICS).filter(([, m]) => m.clock === "business").map(([id]) => id);

/** A warning when a scheme measures business hours on days the holiday calendar does not know. */
function calendarWarnings(schemes: LoadedScheme[], cal: CalendarInput, span: { from: string; to: string } | null): string[] {
  if (!span || cal.businessHours.holidays !== "cn") return [];
  const uses = schemes.some(({ scheme }) => scheme.versions.some((v) => v.dimensions.some((d) => d.indicators.some((i) => BUSINESS_METRICS.includes(i.metric)))));
  const [y0, y1] = [Number(span.from.slice(0, 4)), Number(span.to.slice(0, 4))];
  if (!uses || (y0 >= CN_YEARS.first && y1 <= CN_YEARS.last)) return [];
  return [msg.holidaysNotKnown(CN_VERSION, CN_YEARS.first, CN_YEARS.last, y0, y1)];
}

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
  calendar: CalendarInput = defaultCalendar(wh),
  incremental?: IncrementalBuild,
): Promise<Record<string, number>> {
  reporter.step("schemes");
  if (!incremental) await wh.run(`DROP SCHEMA IF EXISTS ${build} CASCADE; CREATE SCHEMA ${build}`);
  await writeSchemeTables(wh, schemes, (name) => `${build}.scheme__${name}`);
  const days = await writeCalendarTables(wh, calendar, (name) => `${build}.calendar__${name}`);
  await wh.run(readFileSync(path.join(MODELS_DIR, "macros.sql"), "utf8"));
  // local_time over the calendar's days (the tickets' span), from the zone's offsets (core/db/local-time.ts)
  const fast = days ? await localTimeMacro(wh, days.from, days.to) : null;
  if (fast) await wh.run(fast);
  await incremental?.start();
  const seconds: Record<string, number> = {};
  for (const m of models) {
    reporter.step(m.name);
    const t0 = performance.now();
    // a table kept between runs is written in period order, its latest periods last (macros.sql period_end_order)
    const sql = m.incremental ? `SELECT * FROM (\n${inBuild(m.sql, build)}\n) ${PERIOD_ORDER}` : inBuild(m.sql, build);
    const create = (target = inBuild(m.name, build), wrap = (s: string) => s) => wh.run(`CREATE ${m.kind} ${target} AS\n${wrap(sql)}`);
    try {
      if (!incremental) await create();
      // in place: the build's views stand (the models' code is the same); their scoped variants are made
      else if (m.kind === "VIEW") await incremental.view(m);
      else await incremental.table(m, create);
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
/** Without a config: office hours (Monday to Friday 09:00-18:00) with China's public holidays, in the warehouse's zone. */
export function defaultCalendar(wh: Warehouse): CalendarInput {
  return { businessHours: BusinessHours.parse({}), timezone: wh.timezone, closures: [] };
}

export async function runModels(
  wh: Warehouse,
  schemes: LoadedScheme[],
  reporter: RunReporter = silentRunReporter,
  meta: RunMeta = { trigger: "manual" },
  calendar: CalendarInput = defaultCalendar(wh),
  opts: { full?: boolean } = {},
): Promise<RunResult> {
  const started = Date.now();
  const models = orderModels(listModels());
  const runId = await startRun(wh, "run", meta);
  // the corrections of decided appeals this run includes: publication refuses results older than a correction
  const correctionsUpto = Number(await wh.value("SELECT coalesce(max(correction_id), 0) FROM meta.corrections"));
  // what changed since the last successful run, and which periods it touches (`appraisal status` says it)
  const code = createHash("sha256")
    .update(JSON.stringify({ models: models.map((m) => [m.name, m.sql]), macros: readFileSync(path.join(MODELS_DIR, "macros.sql"), "utf8"), calendar, tz: wh.timezone }))
    .digest("hex");
  const inputs = await currentInputs(wh, schemes, code);
  const changes = await inputChanges(wh, inputs);
  // a refresh whose changes were traced to periods recomputes only those, in place, in one transaction
  // (pipelines/incremental.ts); any other run builds every model into a fresh schema
  const prev = await previousBuild(wh, changes.since_run);
  const incremental = !opts.full && !changes.everything && prev ? new IncrementalBuild(wh, prev, changes.periods, models) : undefined;
  const build = incremental?.build ?? `build_${runId}`;
  // a refresh checks the keys in force of the rows loaded since the last run
  const afterBatch = incremental
    ? Number(await wh.value("SELECT detail->'inputs'->>'batches_upto' FROM meta.runs WHERE run_id = $id", { id: changes.since_run }))
    : Number.NaN;
  const checks = listChecks(Number.isInteger(afterBatch) ? { afterBatch } : {});
  reporter.start(models.length + checks.length + 2);
  let rebuilt: IncrementalReport | null = null;
  const rebuiltRecord = (): Rebuilt =>
    rebuilt
      ? { mode: "periods", periods: rebuilt.periods, grown: rebuilt.grown }
      : { mode: "full", why: changes.everything ?? (opts.full ? "a full rebuild was asked for (--full)" : "the last run's build is gone") };
  const score = async (): Promise<RunResult> => {
    const modelSeconds = await buildModels(wh, schemes, build, reporter, models, calendar, incremental);
    if (incremental) rebuilt = await incremental.finish(models);
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
    const span = await wh.one<{ from: string | null; to: string | null }>(
      `SELECT min(day)::VARCHAR AS "from", max(day)::VARCHAR AS "to" FROM ${build}.calendar__days`,
    );
    const warnings = [...(await unscoredPeriods(wh, build)), ...calendarWarnings(schemes, calendar, span?.from && span.to ? { from: span.from, to: span.to } : null)];

    reporter.step("publish");
    const publishBuild = async () => {
      if (!incremental) await switchViews(build);
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
          inputs,
          changes,
          rebuilt: rebuiltRecord(),
          ...(warnings.length ? { warnings } : {}),
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
    };
    if (incremental) await publishBuild();
    else await wh.transaction(publishBuild);
    return { runId, models: models.length, checks: checks.length, tables, seconds: 0, warnings, pending: [], rebuilt: rebuiltRecord() };
  };
  /** Point the published names (stg.*, int.*, mart.*, scheme.*, calendar.*, all views) at a fresh build. */
  const switchViews = async (to: string) => {
    await wh.run("CREATE SCHEMA IF NOT EXISTS stg; CREATE SCHEMA IF NOT EXISTS int; CREATE SCHEMA IF NOT EXISTS mart; CREATE SCHEMA IF NOT EXISTS scheme; CREATE SCHEMA IF NOT EXISTS calendar");
    const names = [...models.map((m) => m.name), ...SCHEME_TABLES.map((t) => `scheme.${t}`), ...CALENDAR_TABLES.map((t) => `calendar.${t}`)];
    for (const name of names) {
      const [schema, table] = name.split(".") as [string, string];
      const kind = await wh.value<string | null>("SELECT table_type FROM information_schema.tables WHERE table_schema = $s AND table_name = $t", { s: schema, t: table });
      if (kind === "BASE TABLE") await wh.run(`DROP TABLE ${name}`);
      await wh.run(`CREATE OR REPLACE VIEW ${name} AS SELECT * FROM ${inBuild(name, to)}`);
    }
  };
  try {
    const result = incremental ? await incremental.inTransaction(score) : await score();
    await dropOtherBuilds(wh, build);
    // what this run would change in published periods: recorded, never shown until a new publication lets it in
    const pending = await recordPendingChanges(wh, runId);
    reporter.done();
    return { ...result, seconds: (Date.now() - started) / 1000, pending };
  } catch (e) {
    reporter.done();
    // a fresh build is dropped; an incremental one was rolled back inside the build in force, which stays
    await wh.run(`DROP SCHEMA IF EXISTS ${build}_scope CASCADE${incremental ? "" : `; DROP SCHEMA IF EXISTS ${build} CASCADE`}`).catch(() => {});
    await wh.run("UPDATE meta.runs SET finished_at = current_timestamp, outcome = 'failed', error = $e WHERE run_id = $id", {
      id: runId,
      e: (e as Error).message.slice(0, 4000),
    });
    await appendAudit(wh, { action: "run", subject: `run #${runId}`, detail: { outcome: "failed", error: (e as Error).message.slice(0, 2000) } });
    throw e;
  }
}

/** The build schema the last successful run published, when it still exists (a refresh updates it in place). */
async function previousBuild(wh: Warehouse, runId: number | null): Promise<string | null> {
  if (runId === null) return null;
  const build = await wh.value<string | null>("SELECT detail->>'build' FROM meta.runs WHERE run_id = $id", { id: runId });
  if (!build || !/^build_\d+$/.test(build)) return null;
  const n = await wh.value("SELECT count(*) FROM information_schema.schemata WHERE schema_name = $b", { b: build });
  return Number(n) ? build : null;
}

/** Earlier builds (the one replaced, or one left by a crashed run) are dropped once the new one is published. */
async function dropOtherBuilds(wh: Warehouse, keep: string): Promise<void> {
  const schemas = await wh.all<{ schema_name: string }>(
    "SELECT schema_name FROM information_schema.schemata WHERE starts_with(schema_name, 'build_') AND schema_name <> $k",
    { k: keep },
  );
  for (const { schema_name } of schemas) await wh.run(`DROP SCHEMA ${schema_name} CASCADE`);
}
