/**
 * Every run is a row of meta.runs: what (kind), who started it (trigger, job), when it started and ended, the
 * rows it read or wrote, its outcome (running | ok | failed | skipped) and the error. A run killed in the middle
 * stays 'running' with no end; `appraisal status` shows it as interrupted once nobody holds the lock.
 */
import type { Warehouse } from "./db/warehouse.ts";

export type Trigger = "manual" | "schedule";
export interface RunMeta {
  trigger: Trigger;
  job?: string | null;
}

export async function startRun(wh: Warehouse, kind: string, meta: RunMeta): Promise<number> {
  const id = Number(await wh.value("SELECT nextval('meta.run_seq')"));
  await wh.run(
    `INSERT INTO meta.runs (run_id, kind, started_at, finished_at, outcome, detail, error, trigger, job, rows)
     VALUES ($id, $kind, current_timestamp, NULL, 'running', NULL, NULL, $trigger, $job, NULL)`,
    { id, kind, trigger: meta.trigger, job: meta.job ?? null },
  );
  return id;
}

export async function finishRun(
  wh: Warehouse,
  id: number,
  r: { outcome: "ok" | "failed"; rows?: number | null; detail?: unknown; error?: string | null },
): Promise<void> {
  await wh.run(
    "UPDATE meta.runs SET finished_at = current_timestamp, outcome = $o, rows = $rows, detail = $d::JSON, error = $e WHERE run_id = $id",
    { id, o: r.outcome, rows: r.rows ?? null, d: r.detail === undefined ? null : JSON.stringify(r.detail), e: r.error ? r.error.slice(0, 4000) : null },
  );
}

/** A run that did not start because another held the lock (recorded when the warehouse is free again). */
export interface SkippedRun {
  kind: string;
  job: string;
  at: Date;
  reason: string;
}

export async function recordSkipped(wh: Warehouse, s: SkippedRun): Promise<void> {
  const id = Number(await wh.value("SELECT nextval('meta.run_seq')"));
  await wh.run(
    `INSERT INTO meta.runs (run_id, kind, started_at, finished_at, outcome, detail, error, trigger, job, rows)
     VALUES ($id, $kind, $at::TIMESTAMPTZ, $at::TIMESTAMPTZ, 'skipped', NULL, $reason, 'schedule', $job, 0)`,
    { id, kind: s.kind, at: s.at.toISOString(), reason: s.reason, job: s.job },
  );
}
