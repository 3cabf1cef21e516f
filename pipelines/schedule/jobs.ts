/**
 * What a job does, for the scheduler and the CLI alike: ingest, run, pipeline (both), publish, remind. Each opens
 * the warehouse only for as long as it needs it (the site build reads it from another process), records itself
 * in meta.runs, and expects the caller to hold the run lock (lock.ts).
 */

import { workingDayOf } from "../../core/calendar/days.ts";
import { type AppConfig, resolvePath, schemesDir } from "../../core/config/app.ts";
import type { JobTask } from "../../core/config/schedule.ts";
import { Warehouse, withWarehouse } from "../../core/db/warehouse.ts";
import { finishRun, type RunMeta, recordSkipped, type SkippedRun, startRun } from "../../core/runs.ts";
import { Stopped } from "../../core/shutdown.ts";
import { type IngestReporter, type IngestResult, ingestSources, silentReporter } from "../../data-loaders/ingest/ingest.ts";
import { notify } from "../notify/notify.ts";
import { publishWith } from "../publish/for-config.ts";
import { pendingMessage } from "../rules/frozen.ts";
import { type RunReporter, type RunResult, runModels, silentRunReporter } from "../run.ts";
import { loadSchemes } from "../scheme/load.ts";
import { commandBuild, type PublishResult, publishAtomically } from "./publish.ts";

export interface JobContext {
  cfg: AppConfig;
  meta: RunMeta;
  log: (line: string) => void;
  ingestReporter?: IngestReporter;
  runReporter?: RunReporter;
  /** only these sources (ingest) */
  only?: string[];
  force?: boolean;
  /** run: rebuild every period, not only the touched ones */
  full?: boolean;
  /** skipped runs waiting to be recorded now that the warehouse is free */
  pendingSkips?: SkippedRun[];
  /** generates the demo files first (demo mode) */
  beforeIngest?: () => Promise<void>;
}

export interface TaskOutcome {
  ok: boolean;
  ingest?: IngestResult;
  run?: RunResult;
  publish?: PublishResult;
  reminder?: string | null;
  /** messages sent and failed by a notify task */
  notified?: { sent: number; failed: number };
}

const open = (cfg: AppConfig) => Warehouse.open(resolvePath(cfg, cfg.warehouse), { timezone: cfg.timezone });
const whFile = (cfg: AppConfig) => resolvePath(cfg, cfg.warehouse);

async function flushSkips(ctx: JobContext): Promise<void> {
  if (!ctx.pendingSkips?.length) return;
  await withWarehouse(whFile(ctx.cfg), { timezone: ctx.cfg.timezone }, async (wh) => {
    for (const s of ctx.pendingSkips!.splice(0)) await recordSkipped(wh, s);
  });
}

export async function ingestTask(ctx: JobContext): Promise<IngestResult> {
  await ctx.beforeIngest?.();
  const wh = await open(ctx.cfg);
  try {
    const id = await startRun(wh, "ingest", ctx.meta);
    try {
      const r = await ingestSources(wh, ctx.cfg, ctx.ingestReporter ?? silentReporter, { only: ctx.only, force: ctx.force });
      const loaded = r.batches.filter((b) => b.status === "loaded");
      await finishRun(wh, id, {
        outcome: r.errors.length ? "failed" : "ok",
        rows: loaded.reduce((a, b) => a + b.rowsRead, 0),
        detail: {
          batches: loaded.length,
          unchanged: r.batches.length - loaded.length,
          quarantined: r.batches.reduce((a, b) => a + b.quarantined, 0),
          streams: r.streams.map((s) => ({ source: s.source, stream: s.stream, pages: s.pages, fetched: s.fetched })),
          left: r.left.length,
        },
        error: r.errors.length ? r.errors.join("\n") : null,
      });
      return r;
    } catch (e) {
      await finishRun(wh, id, { outcome: "failed", error: (e as Error).message });
      throw e;
    }
  } finally {
    wh.close();
  }
}

export async function runTask(ctx: JobContext): Promise<RunResult> {
  const wh = await open(ctx.cfg);
  try {
    let schemes: ReturnType<typeof loadSchemes>;
    try {
      schemes = loadSchemes(schemesDir(ctx.cfg));
      const agents = Number(await wh.value("SELECT count(*) FROM raw.agents WHERE _current"));
      const tickets = Number(await wh.value("SELECT count(*) FROM raw.tickets WHERE _current"));
      if (!agents || !tickets) throw new Error(`the warehouse has ${agents} agents and ${tickets} tickets: ingest a roster and tickets first ('appraisal ingest')`);
    } catch (e) {
      // a run that cannot start is recorded too (runModels records the ones that start)
      await finishRun(wh, await startRun(wh, "run", ctx.meta), { outcome: "failed", error: (e as Error).message });
      throw e;
    }
    const result = await runModels(wh, schemes, ctx.runReporter ?? silentRunReporter, ctx.meta, {
      businessHours: ctx.cfg.business_hours,
      timezone: ctx.cfg.timezone,
      closures: ctx.cfg.holidays,
    }, { full: ctx.full });
    // the boards read this snapshot, never the live warehouse
    await publishWith(wh, ctx.cfg, "staff");
    return result;
  } finally {
    wh.close();
  }
}

export async function publishTask(ctx: JobContext): Promise<PublishResult> {
  const p = ctx.cfg.publish;
  if (!p) throw new Error("nothing to publish to: add a publish: section (command, output, target) to the config");
  const id = await withWarehouse(whFile(ctx.cfg), { timezone: ctx.cfg.timezone }, (wh) => startRun(wh, "publish", ctx.meta));
  try {
    const result = await publishAtomically(
      resolvePath(ctx.cfg, p.target),
      commandBuild({ command: p.command, output: p.output, cwd: ctx.cfg.baseDir, timeoutMs: p.timeout_seconds * 1000, log: ctx.log }),
      { keep: p.keep },
    );
    await withWarehouse(whFile(ctx.cfg), { timezone: ctx.cfg.timezone }, (wh) =>
      finishRun(wh, id, { outcome: "ok", rows: result.files, detail: { target: result.target, release: result.release } }),
    );
    ctx.log(`published ${result.files} files to ${result.target}`);
    return result;
  } catch (e) {
    await withWarehouse(whFile(ctx.cfg), { timezone: ctx.cfg.timezone }, (wh) => finishRun(wh, id, { outcome: "failed", error: (e as Error).message }));
    throw e;
  }
}

/** Send the notifications the warehouse's events call for (each once; a failed send is tried again next time). */
export async function notifyTask(ctx: JobContext): Promise<{ sent: number; failed: number }> {
  const n = ctx.cfg.notifications;
  if (!n) {
    ctx.log("no notifications: section in the config; nothing to send");
    return { sent: 0, failed: 0 };
  }
  return withWarehouse(whFile(ctx.cfg), { timezone: ctx.cfg.timezone }, async (wh) => {
    const r = await notify(wh, {
      config: n,
      language: ctx.cfg.language,
      timezone: ctx.cfg.timezone,
      holidays: ctx.cfg.holidays,
      workingDay: workingDayOf(ctx.cfg.business_hours, ctx.cfg.holidays),
      log: ctx.log,
    });
    const sent = r.deliveries.filter((d) => d.outcome === "sent").length;
    const failed = r.deliveries.filter((d) => d.outcome === "failed").length;
    for (const d of r.deliveries.filter((x) => x.outcome === "failed")) ctx.log(`notify: ${d.key} on ${d.channel} failed: ${d.error} (tried again next time)`);
    ctx.log(`notify: ${sent} message(s) sent, ${failed} failed`);
    return { sent, failed };
  });
}

/** Say once per period when the latest complete month or quarter is scored and ready to publish (公示). */
export async function remindTask(ctx: JobContext): Promise<string | null> {
  return withWarehouse(whFile(ctx.cfg), { timezone: ctx.cfg.timezone }, async (wh) => {
    const id = await startRun(wh, "remind", ctx.meta);
    const hasPeriods = Number(await wh.value("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'mart' AND table_name = 'periods'")) > 0;
    const ready: string[] = [];
    if (hasPeriods) {
      for (const t of ["month", "quarter"]) {
        const p = await wh.value<string | null>("SELECT max(period) FROM mart.periods WHERE period_type = $t AND is_complete", { t });
        if (!p) continue;
        const told = Number(await wh.value("SELECT count(*) FROM meta.runs WHERE kind = 'remind' AND outcome = 'ok' AND list_contains(CAST(json_extract(detail, '$.ready') AS VARCHAR[]), $p)", { p }));
        if (!told) ready.push(p);
      }
    }
    const text = ready.length
      ? `period${ready.length > 1 ? "s" : ""} ${ready.join(" and ")} ${ready.length > 1 ? "are" : "is"} complete and scored: ready to publish as provisional (公示) and open the appeal window`
      : null;
    ctx.log(text ?? "no newly completed period to publish");
    await finishRun(wh, id, { outcome: "ok", rows: 0, detail: { ready } });
    return text;
  });
}

/** Run one task; the caller holds the lock. A run or pipeline that succeeds publishes the site when configured. */
export async function executeTask(task: JobTask, ctx: JobContext, opts: { publishAfterRun?: boolean } = {}): Promise<TaskOutcome> {
  await flushSkips(ctx);
  const out: TaskOutcome = { ok: true };
  try {
    if (task === "ingest" || task === "pipeline") {
      out.ingest = await ingestTask(ctx);
      if (out.ingest.errors.length) {
        for (const e of out.ingest.errors) ctx.log(`error: ${e}`);
        out.ok = false;
      }
    }
    if (task === "run" || task === "pipeline") {
      if (task === "pipeline" && !out.ok) ctx.log("some sources had errors (above); scoring what was loaded");
      out.run = await runTask(ctx);
      // a published period keeps what was published: what this run would change there is said, and recorded
      for (const p of out.run.pending) ctx.log(pendingMessage(p, ctx.cfg.primary_scheme));
      if (opts.publishAfterRun && ctx.cfg.publish) out.publish = await publishTask(ctx);
    }
    if (task === "publish") out.publish = await publishTask(ctx);
    if (task === "remind") out.reminder = await remindTask(ctx);
    if (task === "notify") out.notified = await notifyTask(ctx);
  } catch (e) {
    if (e instanceof Stopped) ctx.log(e.message);
    throw e;
  }
  return out;
}
