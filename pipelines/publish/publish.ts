/**
 * `appraisal snapshot`: write the published tables of one audience as a snapshot the site builds from, so that a
 * site build never opens the live warehouse (DuckDB allows one writing process per file) and never recomputes.
 *
 * Layout under <root>/<audience>/:
 *   snap-<time>-<run>/manifest.json      what, when, from which run; the current period; language
 *   snap-<time>-<run>/tables/*.parquet   one file per published table
 *   snap-<time>-<run>/site/*.json        the small tables again as JSON, what the Framework loaders emit
 *   snap-<time>-<run>/shards/...         per-agent and per-period JSON the pages fetch by URL parameter (a file with
 *                                        the same bytes as in the snapshot before is a hard link to it; a site build
 *                                        copies them gzip-compressed, pipelines/site/build.ts)
 *   snap-<time>-<run>/metrics.json       the metric catalogue (labels, units, definitions)
 *   current -> snap-...                  a symlink, swapped atomically (rename) once the snapshot is complete
 * A reader resolves `current` once (realpath) and reads that folder; the previous snapshot is kept. A site build pins
 * the snapshot it reads for its whole length (`pinSnapshot`: a hard-linked copy under .pins/, removed when the build
 * ends), so no number of publishes while it runs can take a file from under it.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type AuditHead, currentHead } from "../../core/audit.ts";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { lit } from "../../core/db/warehouse.ts";
import { overlay } from "../rules/frozen.ts";
import { reviewDueRelation } from "../rules/review.ts";
import { METRICS } from "../scheme/metrics.ts";
import { tableJsonQuery, writeShards } from "./shards.ts";
import { type PublishStep, stepTimer } from "./steps.ts";
import { type Audience, NAMED_PERIODS, PUBLISHED_PERIODS, tablesFor } from "./tables.ts";

// bump when the snapshot layout changes: `appraisal build` then publishes again instead of reading an old one
export const SNAPSHOT_FORMAT = 4;

export interface Manifest {
  format: number;
  audience: Audience;
  language: "en" | "zh-CN";
  /** how staff appeal (config `appeals`): shown on the agent page */
  appeals?: { contact?: string; form_url?: string } | null;
  timezone: string;
  scheme: { id: string; name_en: string; name_zh: string };
  run: { run_id: number | null; finished_at: string | null };
  /** the last audit-log entry the snapshot includes: a publication, appeal or decision after it calls for a new one */
  audit_seq?: number;
  /** the audit log's head when the snapshot was written (number, hash, MAC): every build carries it, so a copy of a
   *  published site names the entry the log must still hold (`appraisal audit verify --site <dir>`) */
  audit_head?: AuditHead;
  published_at: string;
  data: { first_day: string | null; as_of: string | null };
  current_period: { period: string; period_type: string } | null;
  tables: Array<{ name: string; audience: Audience; rows: number; about: string }>;
  shards: { agents: number; periods: number };
}

export interface PublishOptions {
  /** folder holding one subfolder per audience, e.g. warehouse/published */
  root: string;
  audience: Audience;
  scheme: string;
  language: "en" | "zh-CN";
  /** how staff appeal (config `appeals`) */
  appeals?: { contact?: string; form_url?: string };
  /** publish time, passed in so tests are deterministic */
  asOf?: Date;
  /** the department's holidays (config `holidays`): the due dates of the committee's reviews count working days */
  holidays?: string[];
  /** the department's working days (business-hours calendar), for the same due dates */
  workingDay?: (day: string) => boolean;
}

export interface PublishResult {
  dir: string;
  manifest: Manifest;
  seconds: number;
  /** where the time went, step by step in order (`appraisal snapshot --profile` prints the slowest) */
  steps: PublishStep[];
  /** shard files written, and those hard-linked from the previous snapshot because their bytes did not change */
  files: { written: number; linked: number };
}

const SAFE_ID = /^[A-Za-z0-9_.-]+$/;

/** The folder `current` points to for an audience, or null when nothing was published yet. */
export function currentSnapshot(root: string, audience: Audience): string | null {
  const link = path.join(root, audience, "current");
  if (!existsSync(link)) return null;
  return realpathSync(link);
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as Manifest;
}

/** The latest successful run of the warehouse: a snapshot made from it needs no refresh. */
/** The newest audit-log entry: acts that change what the boards show (publication, appeals) all write one. */
export async function auditSeq(wh: Warehouse): Promise<number> {
  return Number(await wh.value("SELECT coalesce(max(seq), 0) FROM meta.audit_log"));
}

export async function latestRun(wh: Warehouse): Promise<{ run_id: number; finished_at: string } | null> {
  const row = await wh.one<{ run_id: number; finished_at: string }>(
    "SELECT run_id, strftime(finished_at, '%Y-%m-%d %H:%M:%S %z') AS finished_at FROM meta.runs WHERE outcome = 'ok' ORDER BY run_id DESC LIMIT 1",
  );
  return row ?? null;
}

export async function publish(wh: Warehouse, opts: PublishOptions): Promise<PublishResult> {
  const t0 = Date.now();
  const { timed, steps } = stepTimer();
  if (!SAFE_ID.test(opts.scheme)) throw new Error(`scheme id '${opts.scheme}' has characters a scheme id cannot have`);
  const hasMarts = await timed("first query (the warehouse's catalogue)", async () =>
    Number(await wh.value("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'mart' AND table_name = 'rankings'")),
  );
  if (!hasMarts) throw new Error("the warehouse has no scores yet: run 'npm run pipeline' (or 'appraisal run') before publishing");
  const scheme = await wh.one<{ name_en: string; name_zh: string }>(
    "SELECT any_value(scheme_name_en) AS name_en, any_value(scheme_name_zh) AS name_zh FROM scheme.versions WHERE scheme_id = $s",
    { s: opts.scheme },
  );
  if (!scheme?.name_en) throw new Error(`the warehouse has no scheme '${opts.scheme}': check primary_scheme in appraisal.config.yaml`);

  // the period lifecycle (publication for objection, final) where the warehouse records it
  const hasStates = Number(
    await wh.value("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'meta' AND table_name = 'period_states'"),
  );
  const periodStates = hasStates
    ? "(SELECT scheme_id, period, state, appeal_deadline, revision FROM meta.period_states)"
    : "(SELECT NULL::VARCHAR AS scheme_id, NULL::VARCHAR AS period, NULL::VARCHAR AS state, NULL::DATE AS appeal_deadline, NULL::INTEGER AS revision WHERE false)";
  const reviewDue = await timed("review due dates", () => reviewDueRelation(wh, opts.holidays, opts.workingDay));
  const audienceDir = path.join(opts.root, opts.audience);
  mkdirSync(audienceDir, { recursive: true });
  const run = await latestRun(wh);
  const now = opts.asOf ?? new Date();
  const name = `snap-${now.toISOString().replace(/[-:.]/g, "")}-run${run?.run_id ?? 0}-${process.pid}`;
  const tmp = path.join(audienceDir, `.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(path.join(tmp, "tables"), { recursive: true });
  // a published period shows its frozen revision, never the live results of a later run (pipelines/rules/frozen.ts)
  const frozen = await timed("frozen overlay", () => overlay(wh, opts.scheme));
  // the snapshot in force: the shard files this one would write with the same bytes are hard-linked from it
  const previous = currentSnapshot(opts.root, opts.audience);
  try {
    const params = (sql: string, publishedOnly?: boolean) =>
      frozen.rewrite(sql.replaceAll("$scheme", lit(opts.scheme)).replaceAll("$period_states", periodStates).replaceAll("$review_due", reviewDue), {
        publishedOnly,
      });
    // the periods this audience may see by name, as a list of constants: DuckDB pushes `period IN (...)` down into the
    // scans under the frozen overlay, where a subquery was applied only after joining every period's rows (2.5 s of
    // indicator_scores at 2,000 agents); the same periods, so the same rows
    const constants = async (step: string, relation: string) => {
      const rows = await timed(step, () => wh.all<{ period: string }>(`SELECT DISTINCT period FROM ${params(relation)} WHERE period IS NOT NULL ORDER BY period`));
      return rows.length ? `(${rows.map((r) => lit(r.period)).join(", ")})` : "(SELECT NULL::VARCHAR WHERE false)";
    };
    const namedPeriods = await constants("named periods", NAMED_PERIODS[opts.audience]);
    // the same for the periods of the scheme with a publication state (the management input ids: 141 of 163 s of a
    // 2,000-agent management snapshot joined every unpublished period's scores to its tickets before keeping these)
    const publishedPeriods = await constants("published periods", PUBLISHED_PERIODS);
    const tables: Manifest["tables"] = [];
    for (const t of tablesFor(opts.audience)) {
      const file = path.join(tmp, "tables", `${t.name}.parquet`);
      const sql = params(t.sql.replaceAll("$named_periods", namedPeriods).replaceAll("$published_periods", publishedPeriods), t.publishedOnly);
      try {
        await timed(`table ${t.name}: COPY`, () => wh.run(`COPY (${sql}) TO ${lit(file)} (FORMAT parquet, COMPRESSION zstd)`));
      } catch (e) {
        throw new Error(`published table ${t.name} failed: ${(e as Error).message}`);
      }
      const rows = await timed(`table ${t.name}: count`, async () => Number(await wh.value(`SELECT count(*) FROM read_parquet(${lit(file)})`)));
      if (!t.shardOnly) await timed(`table ${t.name}: site JSON`, () => writeSiteJson(wh, file, path.join(tmp, "site", `${t.name}.json`)));
      tables.push({ name: t.name, audience: t.audience, rows, about: t.about });
    }
    const { written, linked, ...shards } = await writeShards(wh, tmp, timed, previous);
    const bounds = await timed("manifest queries", () =>
      wh.one<{ first_day: string | null; as_of: string | null }>("SELECT min(data_start)::VARCHAR AS first_day, max(as_of)::VARCHAR AS as_of FROM mart.periods"),
    );
    const manifest: Manifest = {
      format: SNAPSHOT_FORMAT,
      audience: opts.audience,
      language: opts.language,
      appeals: opts.appeals ?? null,
      timezone: wh.timezone,
      scheme: { id: opts.scheme, name_en: scheme.name_en, name_zh: scheme.name_zh },
      run: { run_id: run?.run_id ?? null, finished_at: run?.finished_at ?? null },
      audit_seq: await auditSeq(wh),
      audit_head: await currentHead(wh),
      published_at: now.toISOString(),
      data: { first_day: bounds?.first_day ?? null, as_of: bounds?.as_of ?? null },
      current_period: await currentPeriod(wh, path.join(tmp, "tables", "periods.parquet")),
      tables,
      shards,
    };
    // the metric catalogue the scores were defined with: labels, units, definitions (methodology board)
    writeFileSync(path.join(tmp, "metrics.json"), JSON.stringify(METRICS));
    writeFileSync(path.join(tmp, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    const final = path.join(audienceDir, name);
    renameSync(tmp, final);
    swapCurrent(audienceDir, name);
    await timed("prune older snapshots", () => prune(audienceDir, name));
    return { dir: final, manifest, seconds: (Date.now() - t0) / 1000, steps, files: { written, linked } };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    await frozen.drop();
  }
}

/** A small published table as the site reads it: {"columns": [...], "rows": [[...], ...]} in the table's row order. */
async function writeSiteJson(wh: Warehouse, parquet: string, out: string): Promise<void> {
  const src = `read_parquet(${lit(parquet)}, file_row_number = true)`;
  const cols = (await wh.all<{ column_name: string }>(`DESCRIBE SELECT * EXCLUDE (file_row_number) FROM ${src}`)).map((r) => r.column_name);
  const json = await wh.value<string>(`SELECT j FROM (${tableJsonQuery({ from: src, columns: cols, orderBy: "file_row_number" })})`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, json);
}

/** The board's default period: the latest complete quarter with ranked agents, else month, else any period. */
async function currentPeriod(wh: Warehouse, periodsFile: string): Promise<Manifest["current_period"]> {
  const row = await wh.one<{ period: string; period_type: string }>(
    `SELECT period, period_type FROM read_parquet(${lit(periodsFile)})
     ORDER BY is_complete AND ranked_agents > 0 DESC, case period_type when 'quarter' then 0 when 'month' then 1 else 2 end, start_date DESC
     LIMIT 1`,
  );
  return row ?? null;
}

/** Point `current` at `name` in one rename, which readers see either before or after, never half-way. */
function swapCurrent(audienceDir: string, name: string): void {
  const tmpLink = path.join(audienceDir, `.current-${process.pid}-${Date.now()}`);
  symlinkSync(name, tmpLink);
  renameSync(tmpLink, path.join(audienceDir, "current"));
}

export interface PinnedSnapshot {
  /** the pinned copy: read this, not the snapshot */
  dir: string;
  /** the snapshot it copies */
  of: string;
  release(): void;
}

/**
 * Pin a snapshot for a reader that takes a while (a site build): its files are hard-linked (copied where links are not
 * possible) into <audience>/.pins/<name>-<pid>-<time>, which no publish prunes while this process lives. A snapshot
 * pruned while it is being pinned is retried from `current()` (the snapshot in force by then).
 */
export function pinSnapshot(snapshot: string, current: () => string | null = () => null, tries = 5): PinnedSnapshot {
  let target = snapshot;
  for (let attempt = 1; ; attempt++) {
    const pins = path.join(path.dirname(target), ".pins");
    const dir = path.join(pins, `${path.basename(target)}-${process.pid}-${Date.now()}-${attempt}`);
    try {
      mkdirSync(dir, { recursive: true });
      linkTree(target, dir);
      if (!existsSync(path.join(dir, "manifest.json"))) throw Object.assign(new Error(`${target} has no manifest.json`), { code: "ENOENT" });
      return { dir, of: target, release: () => rmSync(dir, { recursive: true, force: true }) };
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      const next = current();
      if ((e as NodeJS.ErrnoException).code !== "ENOENT" || attempt >= tries || !next) throw e;
      target = next;
    }
  }
}

function linkTree(from: string, to: string): void {
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, e.name);
    const b = path.join(to, e.name);
    if (e.isDirectory()) {
      mkdirSync(b);
      linkTree(a, b);
    } else {
      try {
        linkSync(a, b);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") throw err;
        copyFileSync(a, b);
      }
    }
  }
}

/** Pins of builds that died (their pid is gone) or are older than a day. */
function prunePins(audienceDir: string): void {
  const pins = path.join(audienceDir, ".pins");
  if (!existsSync(pins)) return;
  for (const f of readdirSync(pins)) {
    const pid = Number(/-(\d+)-\d+-\d+$/.exec(f)?.[1] ?? 0);
    let alive = false;
    try {
      alive = pid > 0 && process.kill(pid, 0);
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === "EPERM";
    }
    const old = Date.now() - statSync(path.join(pins, f)).mtimeMs > 86_400_000;
    if (!alive || old) rmSync(path.join(pins, f), { recursive: true, force: true });
  }
}

/** Keep the new snapshot and the one before it (a build may still be reading it); remove older ones and leftovers. */
function prune(audienceDir: string, keep: string): void {
  prunePins(audienceDir);
  const snaps = readdirSync(audienceDir)
    .filter((f) => f.startsWith("snap-") && f !== keep)
    .sort();
  for (const old of snaps.slice(0, -1)) rmSync(path.join(audienceDir, old), { recursive: true, force: true });
  // leftovers of a publish that died more than an hour ago (a younger one may still be running)
  for (const f of readdirSync(audienceDir)) {
    const file = path.join(audienceDir, f);
    if (f.startsWith(".tmp-") && Date.now() - statSync(file).mtimeMs > 3_600_000) rmSync(file, { recursive: true, force: true });
  }
}
