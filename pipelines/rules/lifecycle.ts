/**
 * The period lifecycle: open -> provisional (published for objection, with an appeal window in working days) ->
 * final (locked). Each publication freezes the results it published (meta.published_results, a new revision), so
 * that boards show exactly what was published and before/after an appeal can be compared. Reopening a final period
 * is itself a recorded act with a reason. Every act writes an audit entry in the same transaction. Each publication
 * also writes the period's manifest (pipelines/proof/manifest.ts: scheme, input batches, row counts, table hashes),
 * whose hash the publish entry carries; `appraisal verify` checks a rebuild against it.
 */
import { createHash } from "node:crypto";
import { appendAudit, currentActor } from "../../core/audit.ts";
import { DEFAULT_MAX_QUARANTINED_SHARE } from "../../core/config/app.ts";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { buildManifest, storeManifest } from "../proof/manifest.ts";
import { blockersMessage, publicationBlockers } from "./blockers.ts";
import { addWorkingDays, localDate } from "./calendar.ts";
import { freezePeriod } from "./frozen.ts";

export interface RulesContext {
  wh: Warehouse;
  timezone: string;
  holidays?: string[];
  /** the department's working days (business-hours calendar: 调休 and closures); default Monday to Friday less holidays */
  workingDay?: (day: string) => boolean;
  /** the moment of the act (tests pass a fixed one) */
  asOf?: Date;
  actor?: string;
  /** config publication_checks.max_quarantined_share (default 5%) */
  maxQuarantinedShare?: number;
}

export class RuleError extends Error {}

export const now = (ctx: RulesContext) => ctx.asOf ?? new Date();
export const today = (ctx: RulesContext) => localDate(now(ctx), ctx.timezone);
export const actor = (ctx: RulesContext) => ctx.actor ?? currentActor();

export interface PeriodState {
  scheme_id: string;
  period: string;
  state: "open" | "provisional" | "final";
  since: Date | null;
  appeal_deadline: string | null;
  revision: number;
}

export async function periodState(wh: Warehouse, scheme: string, period: string): Promise<PeriodState> {
  const r = await wh.one<{ state: "provisional" | "final"; since: Date; appeal_deadline: string | null; revision: number }>(
    "SELECT state, since, appeal_deadline::VARCHAR AS appeal_deadline, revision FROM meta.period_states WHERE scheme_id = $s AND period = $p",
    { s: scheme, p: period },
  );
  return r
    ? { scheme_id: scheme, period, ...r }
    : { scheme_id: scheme, period, state: "open", since: null, appeal_deadline: null, revision: 0 };
}

const reopenHint = (scheme: string, period: string) =>
  `to change it, reopen it: appraisal reopen --period ${period}${scheme === "support-weighted" ? "" : ` --scheme ${scheme}`} --reason "..." (the reopening is recorded in the audit log)`;

export function finalMessage(s: PeriodState): string {
  return `${s.period} of ${s.scheme_id} is final since ${s.since?.toISOString().slice(0, 10)}; it cannot be re-scored or changed; ${reopenHint(s.scheme_id, s.period)}`;
}

async function schemePeriod(wh: Warehouse, scheme: string, period: string) {
  const sp = await wh.one<{ version: string; is_complete: boolean; window: number; coverage_end: string; start_date: string; end_date: string }>(
    `SELECT sp.version, sp.is_complete, v.appeal_window_working_days AS window, (p.coverage_end - 1)::VARCHAR AS coverage_end,
       p.start_date::VARCHAR AS start_date, p.end_date::VARCHAR AS end_date
     FROM mart.scheme_periods sp
     JOIN scheme.versions v USING (scheme_id, version)
     JOIN mart.periods p USING (period_type, period)
     WHERE sp.scheme_id = $s AND sp.period = $p`,
    { s: scheme, p: period },
  );
  if (!sp) throw new RuleError(`scheme '${scheme}' has no results for ${period}: check the period (appraisal status lists the periods) and run 'appraisal run'`);
  return sp;
}

export interface PublishResult {
  scheme: string;
  period: string;
  state: "provisional" | "final";
  revision: number;
  agents: number;
  appealDeadline: string | null;
  resultsHash: string;
  manifestHash: string;
}

export async function publish(ctx: RulesContext, scheme: string, period: string, state: "provisional" | "final"): Promise<PublishResult> {
  const { wh } = ctx;
  const sp = await schemePeriod(wh, scheme, period);
  if (!sp.is_complete)
    throw new RuleError(`${period} is not complete: the data covers it up to ${sp.coverage_end}; publish it once it has ended and its data is in`);
  const current = await periodState(wh, scheme, period);
  if (current.state === "final") throw new RuleError(finalMessage(current));
  // a file that could not be read, or is quarantined beyond the limit, leaves the period incomplete
  const blockers = await publicationBlockers(wh, { start: sp.start_date, end: sp.end_date }, ctx.maxQuarantinedShare ?? DEFAULT_MAX_QUARANTINED_SHARE);
  if (blockers.length) throw new RuleError(blockersMessage(period, blockers));
  if (state === "final") {
    if (current.state === "open")
      throw new RuleError(`publish ${period} as provisional first (appraisal publish --period ${period} --provisional); it becomes final after its appeal window`);
    if (current.appeal_deadline && today(ctx) <= current.appeal_deadline)
      throw new RuleError(`the appeal window of ${period} is open until ${current.appeal_deadline}; publish it as final after that day`);
    const pending = await wh.all<{ appeal_id: number }>(
      "SELECT appeal_id FROM meta.appeals WHERE scheme_id = $s AND period = $p AND state = 'filed' ORDER BY appeal_id",
      { s: scheme, p: period },
    );
    if (pending.length)
      throw new RuleError(
        `${pending.length} appeal(s) on ${period} are not decided yet (#${pending.map((a) => a.appeal_id).join(", #")}); decide them first: appraisal appeal decide --id <n> --accept|--reject --reason "..."`,
      );
  }
  const lastRun = await wh.one<{ run_id: number; corrections_upto: number | null }>(
    "SELECT run_id, CAST(detail->>'corrections_upto' AS BIGINT) AS corrections_upto FROM meta.runs WHERE kind = 'run' AND outcome = 'ok' ORDER BY run_id DESC LIMIT 1",
  );
  if (!lastRun) throw new RuleError("nothing has been scored yet: run 'appraisal run' first");
  const stale = await wh.value<number>("SELECT count(*) FROM meta.corrections WHERE correction_id > $upto", { upto: lastRun.corrections_upto ?? 0 });
  if (stale) throw new RuleError(`${stale} correction(s) from decided appeals came after the last run; run 'appraisal run' to re-score, then publish`);

  return wh.transaction(async () => {
    const revision = current.revision + 1;
    const at = now(ctx).toISOString();
    const inserted = await wh.exec(
      `INSERT INTO meta.published_results
       SELECT r.scheme_id, r.period, $rev, $state, $run, $at::TIMESTAMPTZ, r.agent_id, r.composite, r.grade, r.ranked, r.department_rank,
         r.department_ranked, r.in_bottom_group,
         to_json(list({'indicator_id': s.indicator_id, 'score': s.score, 'contribution': s.contribution} ORDER BY s.ord))
       FROM mart.rankings r
       JOIN mart.indicator_scores s USING (scheme_id, period_type, period, agent_id)
       WHERE r.scheme_id = $s AND r.period = $p
       GROUP BY ALL`,
      { rev: revision, state, run: lastRun.run_id, at, s: scheme, p: period },
    );
    const rows = await wh.all<Record<string, unknown>>(
      "SELECT agent_id, composite, grade, ranked, department_rank, in_bottom_group FROM meta.published_results WHERE scheme_id = $s AND period = $p AND revision = $r ORDER BY agent_id",
      { s: scheme, p: period, r: revision },
    );
    const resultsHash = createHash("sha256").update(JSON.stringify(rows)).digest("hex");
    const deadline = state === "provisional" ? addWorkingDays(today(ctx), sp.window, ctx.holidays, ctx.workingDay) : current.appeal_deadline;
    const manifest = await buildManifest(wh, scheme, period, { revision, state, run_id: lastRun.run_id, published_at: at, results_sha256: resultsHash });
    const manifestHash = await storeManifest(wh, manifest);
    // every figure the boards show for the period, frozen as this revision: a later run changes none of them
    const frozenRows = await freezePeriod(wh, scheme, period, revision);
    await wh.run("DELETE FROM meta.pending_changes WHERE scheme_id = $s AND period = $p", { s: scheme, p: period });
    await wh.run(
      `INSERT INTO meta.period_states VALUES ($s, $p, $state, $at::TIMESTAMPTZ, $deadline::DATE, $rev)
       ON CONFLICT (scheme_id, period) DO UPDATE SET state = excluded.state, since = excluded.since,
         appeal_deadline = excluded.appeal_deadline, revision = excluded.revision`,
      { s: scheme, p: period, state, at, deadline, rev: revision },
    );
    await appendAudit(wh, {
      action: "publish",
      subject: `${scheme} ${period}`,
      detail: {
        state,
        revision,
        run_id: lastRun.run_id,
        agents: inserted,
        results_sha256: resultsHash,
        manifest_sha256: manifestHash,
        appeal_deadline: deadline,
        frozen_rows: frozenRows,
      },
      actor: actor(ctx),
      at,
    });
    return { scheme, period, state, revision, agents: inserted, appealDeadline: deadline, resultsHash, manifestHash };
  });
}

export async function reopen(ctx: RulesContext, scheme: string, period: string, reason: string): Promise<PeriodState> {
  const { wh } = ctx;
  if (!reason.trim()) throw new RuleError("reopening a final period needs a reason (--reason \"...\"); it is recorded in the audit log");
  const sp = await schemePeriod(wh, scheme, period);
  const current = await periodState(wh, scheme, period);
  if (current.state !== "final") throw new RuleError(`${period} of ${scheme} is ${current.state}, not final: there is nothing to reopen`);
  const at = now(ctx).toISOString();
  const deadline = addWorkingDays(today(ctx), sp.window, ctx.holidays, ctx.workingDay);
  await wh.transaction(async () => {
    await wh.run("UPDATE meta.period_states SET state = 'provisional', since = $at::TIMESTAMPTZ, appeal_deadline = $d::DATE WHERE scheme_id = $s AND period = $p", {
      at,
      d: deadline,
      s: scheme,
      p: period,
    });
    await appendAudit(wh, { action: "reopen", subject: `${scheme} ${period}`, detail: { reason, appeal_deadline: deadline, revision: current.revision }, actor: actor(ctx), at });
  });
  return periodState(wh, scheme, period);
}
