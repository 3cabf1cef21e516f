/**
 * `appraisal status`: what the warehouse holds and how fresh it is.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { SCHEMA_VERSION } from "../core/db/migrate.ts";
import type { Warehouse } from "../core/db/warehouse.ts";
import { type PendingSummary, pendingSummary } from "./rules/frozen.ts";
import { describeChanges, type InputChanges, type Rebuilt } from "./run-changes.ts";
import type { LockOwner } from "./schedule/lock.ts";
import type { NextRun } from "./schedule/scheduler.ts";

export interface Status {
  warehouse: { file: string; bytes: number; schema_version: number; storage_version: string | null; timezone: string };
  sources: Array<{
    source: string;
    target_table: string;
    files: number;
    failed_files: number;
    rows_read: number;
    rows_quarantined: number;
    last_loaded: string | null;
  }>;
  tables: Record<string, { current: number; versions: number }>;
  /** open quarantine lines (what is still wrong), and those resolved since (re-checked, corrected, loaded again) */
  quarantine: { rows: number; resolved: number; reasons: Array<{ target_table: string; field: string; reason: string; rows: number }> };
  /** tickets held out of the metrics because their newest version is quarantined, per source of that version */
  held: { tickets: number; sources: Array<{ source: string; tickets: number }> };
  runs: Array<{
    run_id: number;
    kind: string;
    trigger: string | null;
    job: string | null;
    started_at: string;
    finished_at: string | null;
    outcome: string;
    rows: number | null;
    error: string | null;
  }>;
  cursors: Array<{ source: string; stream: string; cursor: string; records: number; updated_at: string }>;
  /** what the last successful scoring run rebuilt and why (pipelines/run-changes.ts) */
  rebuilt: { run_id: number; what: string } | null;
  schedule: { next: NextRun[]; lock: LockOwner | null; /** a holder that died without releasing the lock (killed) */ dead_lock?: LockOwner | null };
  periods: { first_month: string | null; last_month: string | null; latest_complete: Record<string, string | null> } | null;
  /** how far each ticket source covers (what makes a period complete): its newest batch's coverage and cursor */
  coverage: Array<{ source: string; covered_to: string; basis: string; cursor_to: string | null }>;
  schemes: Array<{ scheme_id: string; version: string; effective_from: string; sha256: string }>;
  /** published periods whose live results differ from the frozen revision the boards show (rules/frozen.ts) */
  pending: PendingSummary[];
  agents: { roster: number } | null;
}

/** Open quarantined records per source and table (a record with several problems counts once). */
export const OPEN_QUARANTINED_BY_SOURCE = `SELECT source, target_table, count(DISTINCT (batch_id, coalesce(record, -coalesce(line, 0)))) AS rows
  FROM meta.quarantine WHERE resolved_at IS NULL GROUP BY ALL`;

/** The held-out tickets, read from the raw tables by the staging model's own SQL (no run needed). */
export function heldTicketsSql(): string {
  return readFileSync(path.join(import.meta.dirname, "models", "staging", "stg_tickets_held.sql"), "utf8");
}

async function exists(wh: Warehouse, schema: string, table: string): Promise<boolean> {
  return (
    Number(
      await wh.value("SELECT count(*) FROM information_schema.tables WHERE table_schema = $s AND table_name = $t", { s: schema, t: table }),
    ) > 0
  );
}

export async function readStatus(wh: Warehouse, extra: { next?: NextRun[]; lock?: LockOwner | null; deadLock?: LockOwner | null } = {}): Promise<Status> {
  // rows quarantined: the records with a problem still open (a re-checked or corrected one no longer counts)
  const sources = await wh.all<Status["sources"][number]>(`
    WITH q AS (${OPEN_QUARANTINED_BY_SOURCE})
    SELECT b.source, b.target_table, count(*) FILTER (WHERE rows_read >= 0) AS files, count(*) FILTER (WHERE rows_read < 0) AS failed_files,
      coalesce(sum(rows_read) FILTER (WHERE rows_read >= 0), 0) AS rows_read, coalesce(any_value(q.rows), 0) AS rows_quarantined,
      strftime(max(finished_at), '%Y-%m-%d %H:%M:%S %z') AS last_loaded
    FROM meta.batches b LEFT JOIN q ON q.source = b.source AND q.target_table = b.target_table
    GROUP BY b.source, b.target_table ORDER BY b.target_table, b.source`);
  const tables: Status["tables"] = {};
  for (const t of ["agents", "roster_changes", "tickets", "csat", "reviews_360", "collab_survey", "trainings", "certifications", "contributions", "quality_audits"]) {
    const row = await wh.one<{ current: number; versions: number }>(
      `SELECT count(*) FILTER (WHERE _current) AS current, count(*) FILTER (WHERE NOT _bad) AS versions FROM raw.${t}`,
    );
    tables[t] = { current: Number(row?.current ?? 0), versions: Number(row?.versions ?? 0) };
  }
  const reasons = await wh.all<Status["quarantine"]["reasons"][number]>(`
    SELECT target_table, field, regexp_replace(reason, '"[^"]*"', '"…"', 'g') AS reason, count(*) AS rows
    FROM meta.quarantine WHERE resolved_at IS NULL GROUP BY ALL ORDER BY rows DESC LIMIT 10`);
  const qrows = Number(await wh.value("SELECT count(*) FROM meta.quarantine WHERE resolved_at IS NULL"));
  const qresolved = Number(await wh.value("SELECT count(*) FROM meta.quarantine WHERE resolved_at IS NOT NULL"));
  const heldBySource = await wh.all<{ source: string; tickets: number }>(`
    SELECT b.source, count(*) AS tickets FROM (${heldTicketsSql()}) h JOIN meta.batches b ON b.batch_id = h.quarantined_batch_id
    GROUP BY ALL ORDER BY tickets DESC, b.source`);
  const runs = await wh.all<Status["runs"][number]>(`
    SELECT run_id, kind, trigger, job, strftime(started_at, '%Y-%m-%d %H:%M:%S') AS started_at, strftime(finished_at, '%Y-%m-%d %H:%M:%S') AS finished_at,
      outcome, rows, error FROM meta.runs ORDER BY run_id DESC LIMIT 10`);
  // a run still 'running' while nobody holds the lock was interrupted (killed); its transaction was rolled back
  if (!extra.lock) for (const r of runs) if (r.outcome === "running") r.outcome = "interrupted";
  const lastRun = await wh.one<{ run_id: number; changes: string | null; rebuilt: string | null }>(
    "SELECT run_id, (detail->'changes')::VARCHAR AS changes, (detail->'rebuilt')::VARCHAR AS rebuilt FROM meta.runs WHERE kind = 'run' AND outcome = 'ok' ORDER BY run_id DESC LIMIT 1",
  );
  const parse = <T>(x: string | null) => (x ? (JSON.parse(x) as T) : null);
  const rebuilt = lastRun ? { run_id: lastRun.run_id, what: describeChanges(parse<InputChanges>(lastRun.changes), parse<Rebuilt>(lastRun.rebuilt)) } : null;
  const cursors = await wh.all<Status["cursors"][number]>(
    "SELECT source, stream, cursor::VARCHAR AS cursor, records, strftime(updated_at, '%Y-%m-%d %H:%M:%S') AS updated_at FROM meta.source_cursors ORDER BY source, stream",
  );
  const coverage = await wh.all<Status["coverage"][number]>(`
    SELECT b.source, strftime(arg_max(coalesce(c.covers_to, b.started_at), coalesce(c.covers_to, b.started_at)), '%Y-%m-%d %H:%M:%S') AS covered_to,
      arg_max(coalesce(c.basis, 'loaded'), coalesce(c.covers_to, b.started_at)) AS basis,
      (SELECT strftime(min(updated_at), '%Y-%m-%d %H:%M:%S') FROM meta.source_cursors k WHERE k.source = b.source) AS cursor_to
    FROM meta.batches b LEFT JOIN meta.batch_coverage c USING (batch_id)
    WHERE b.target_table = 'tickets' AND b.rows_read >= 0 GROUP BY b.source ORDER BY b.source`);
  let periods: Status["periods"] = null;
  if (await exists(wh, "mart", "periods")) {
    const r = await wh.one<{ first_month: string; last_month: string }>(
      "SELECT min(period) FILTER (WHERE period_type = 'month') AS first_month, max(period) FILTER (WHERE period_type = 'month') AS last_month FROM mart.periods",
    );
    const latest: Record<string, string | null> = {};
    for (const t of ["month", "quarter", "year"])
      latest[t] = (await wh.value<string | null>("SELECT max(period) FROM mart.periods WHERE period_type = $t AND is_complete", { t })) ?? null;
    periods = { first_month: r?.first_month ?? null, last_month: r?.last_month ?? null, latest_complete: latest };
  }
  const schemes = (await exists(wh, "scheme", "versions"))
    ? await wh.all<Status["schemes"][number]>(
        "SELECT scheme_id, version, effective_from::VARCHAR AS effective_from, sha256 FROM scheme.versions ORDER BY scheme_id, effective_from",
      )
    : [];
  const file = wh.file;
  let bytes = 0;
  try {
    bytes = statSync(file).size;
  } catch {
    bytes = 0;
  }
  return {
    warehouse: { file, bytes, schema_version: SCHEMA_VERSION(), storage_version: await wh.storageVersion(), timezone: wh.timezone },
    sources,
    tables,
    quarantine: { rows: qrows, resolved: qresolved, reasons },
    held: { tickets: heldBySource.reduce((a, b) => a + Number(b.tickets), 0), sources: heldBySource },
    runs,
    rebuilt,
    cursors,
    schedule: { next: extra.next ?? [], lock: extra.lock ?? null, dead_lock: extra.deadLock ?? null },
    periods,
    coverage,
    schemes,
    pending: (await exists(wh, "meta", "pending_changes")) ? await pendingSummary(wh) : [],
    agents: { roster: tables.agents?.current ?? 0 },
  };
}

export function formatStatus(s: Status): string {
  const out: string[] = [];
  out.push(
    `Warehouse ${s.warehouse.file} (${(s.warehouse.bytes / 1024 / 1024).toFixed(1)} MiB), schema version ${s.warehouse.schema_version}, storage ${s.warehouse.storage_version ?? "unknown"}, periods in ${s.warehouse.timezone}`,
  );
  out.push("");
  out.push("Sources:");
  if (!s.sources.length) out.push("  nothing loaded yet: run 'appraisal ingest' (or 'npm run pipeline')");
  for (const src of s.sources)
    out.push(
      `  ${src.source.padEnd(16)} -> ${src.target_table.padEnd(15)} ${String(src.files).padStart(3)} file(s)${src.failed_files ? `, ${src.failed_files} unreadable` : ""}  ${String(src.rows_read).padStart(9)} rows read  ${String(src.rows_quarantined).padStart(6)} quarantined  last ${src.last_loaded ?? "-"}`,
    );
  out.push("");
  out.push("Rows in force (all versions kept):");
  for (const [t, c] of Object.entries(s.tables)) out.push(`  raw.${t.padEnd(15)} ${String(c.current).padStart(9)} (${c.versions} versions)`);
  out.push("");
  out.push(
    `Quarantine: ${s.quarantine.rows} open row problem(s)${s.quarantine.resolved ? ` (${s.quarantine.resolved} resolved since: re-checked, corrected or loaded again)` : ""}`,
  );
  for (const r of s.quarantine.reasons) out.push(`  ${String(r.rows).padStart(6)}  ${r.target_table}.${r.field}: ${r.reason}`);
  if (s.held.tickets) {
    out.push(
      `Tickets held out of the metrics (newest version quarantined): ${s.held.tickets} (${s.held.sources.map((h) => `${h.source} ${h.tickets}`).join(", ")}); load a corrected export to release them`,
    );
  }
  out.push("");
  if (s.periods) {
    out.push(
      `Periods: ${s.periods.first_month} to ${s.periods.last_month}; latest complete month ${s.periods.latest_complete.month ?? "-"}, quarter ${s.periods.latest_complete.quarter ?? "-"}, year ${s.periods.latest_complete.year ?? "-"}`,
    );
  } else out.push("Periods: not computed yet: run 'appraisal run'");
  if (s.coverage.length) {
    out.push("  complete by the sources' coverage, never by the newest date in the data (a record dated after its load is quarantined):");
    for (const c of s.coverage)
      out.push(`  ${c.source.padEnd(16)} covers up to ${c.covered_to} (${c.basis === "file modified" ? "when its newest export was written" : c.basis === "fetched" ? "when it was last fetched" : "when its newest file was loaded"})${c.cursor_to ? `; API cursor ${c.cursor_to}` : ""}`);
  }
  if (s.pending.length) {
    out.push("Changes pending (published periods keep what was published; the latest run would change):");
    for (const p of s.pending)
      out.push(
        `  ${p.scheme_id} ${p.period} (${p.state}, revision ${p.revision}): ${p.figures} figure(s) of ${p.agents} agent(s), e.g. ${p.examples.join("; ")}; ${p.state === "final" ? `let them in: appraisal reopen --period ${p.period} --reason "...", then publish` : `publish again to make them a new revision`}`,
      );
  }
  out.push("Schemes in force:");
  for (const v of s.schemes) out.push(`  ${v.scheme_id} ${v.version} from ${v.effective_from} (sha256 ${v.sha256.slice(0, 12)})`);
  out.push("");
  if (s.cursors.length) {
    out.push("API sources (where the next run resumes):");
    for (const c of s.cursors) out.push(`  ${c.source}:${c.stream.padEnd(22)} ${String(c.records).padStart(8)} records  last ${c.updated_at}  cursor ${c.cursor.length > 60 ? `${c.cursor.slice(0, 57)}...` : c.cursor}`);
    out.push("");
  }
  out.push("Last runs:");
  if (!s.runs.length) out.push("  none yet");
  for (const r of s.runs)
    out.push(
      `  #${r.run_id} ${r.kind}${r.job ? ` (${r.job})` : r.trigger ? ` (${r.trigger})` : ""} ${r.started_at} -> ${r.finished_at ?? "…"} ${r.outcome}${r.rows !== null && r.rows !== undefined ? `, ${r.rows} rows` : ""}${r.error ? `: ${r.error.split("\n")[0]}` : ""}`,
    );
  if (s.rebuilt) out.push(`  the last scoring run #${s.rebuilt.run_id} rebuilt ${s.rebuilt.what}`);
  if (s.schedule.lock) out.push(`  now running: '${s.schedule.lock.command}' (pid ${s.schedule.lock.pid}, since ${s.schedule.lock.since})`);
  else if (s.schedule.dead_lock)
    out.push(
      `  interrupted: '${s.schedule.dead_lock.command}' (pid ${s.schedule.dead_lock.pid}, since ${s.schedule.dead_lock.since}) is no longer running (killed?); its open transaction was rolled back, and the next command takes over the lock`,
    );
  out.push("");
  out.push("Next runs:");
  if (!s.schedule.next.length) out.push("  no schedule configured (schedule: in appraisal.config.yaml; then 'appraisal schedule')");
  for (const n of s.schedule.next) out.push(`  ${n.job.padEnd(16)} ${n.task.padEnd(9)} '${n.cron}'  next ${n.next ? n.next.toISOString() : "never"}`);
  return out.join("\n");
}
