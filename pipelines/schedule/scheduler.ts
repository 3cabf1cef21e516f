/**
 * `appraisal schedule`: the configured jobs on node-cron. One job at a time: a job that fires while another
 * runs (here, or a manual run in another process) is skipped with the reason logged and recorded in meta.runs;
 * a job that fails is logged and recorded, and the schedule goes on. stop() lets the job in flight finish.
 */
import cron, { type ScheduledTask } from "node-cron";
import type { AppConfig } from "../../core/config/app.ts";
import { resolvePath } from "../../core/config/app.ts";
import type { Job } from "../../core/config/schedule.ts";
import type { SkippedRun } from "../../core/runs.ts";
import { Stopped, stopSignal } from "../../core/shutdown.ts";
import { executeTask, type JobContext, type TaskOutcome } from "./jobs.ts";
import { acquireLock, describeOwner, LockBusy } from "./lock.ts";

export interface NextRun {
  job: string;
  task: string;
  cron: string;
  next: Date | null;
}

/** The next firing of each configured job (for `appraisal status`), without starting anything. */
export function nextRuns(cfg: AppConfig, count = 1): NextRun[] {
  if (!cfg.schedule) return [];
  const timezone = cfg.schedule.timezone ?? cfg.timezone;
  return cfg.schedule.jobs.flatMap((j): NextRun[] => {
    const task = cron.createTask(j.cron, () => {}, { timezone, name: `next-${j.name}` });
    try {
      const dates = task.getNextRuns(count);
      return dates.length ? dates.map((d) => ({ job: j.name, task: j.task, cron: j.cron, next: d })) : [{ job: j.name, task: j.task, cron: j.cron, next: null }];
    } finally {
      void task.destroy();
    }
  });
}

export interface SchedulerOptions {
  log: (line: string) => void;
  /** extra context for each job (reporters, demo generation) */
  context?: Partial<JobContext>;
}

export class Scheduler {
  private tasks: ScheduledTask[] = [];
  private current: { job: string; since: Date; done: Promise<unknown> } | null = null;
  readonly pendingSkips: SkippedRun[] = [];
  readonly warehouseFile: string;

  constructor(
    private readonly cfg: AppConfig,
    private readonly opts: SchedulerOptions,
  ) {
    if (!cfg.schedule) throw new Error("no schedule: add a schedule: section with jobs to the config (see README, 'The schedule')");
    this.warehouseFile = resolvePath(cfg, cfg.warehouse);
  }

  get jobs(): Job[] {
    return this.cfg.schedule!.jobs;
  }

  start(): void {
    const timezone = this.cfg.schedule!.timezone ?? this.cfg.timezone;
    for (const job of this.jobs) {
      const task = cron.schedule(job.cron, () => this.fire(job), { timezone, name: job.name });
      this.tasks.push(task);
    }
    for (const n of nextRuns(this.cfg)) this.opts.log(`schedule: ${n.job} (${n.task}, '${n.cron}') next at ${n.next?.toISOString() ?? "never"}`);
  }

  private skip(job: Job, reason: string): void {
    this.opts.log(`schedule: ${job.name} skipped: ${reason}`);
    this.pendingSkips.push({ kind: job.task, job: job.name, at: new Date(), reason });
  }

  /** Run a job now, unless another is running (then it is skipped, with the reason). Never throws. */
  async fire(job: Job): Promise<TaskOutcome | null> {
    if (stopSignal.requested) return null;
    if (this.current) {
      this.skip(job, `'${this.current.job}' has been running since ${this.current.since.toISOString()}`);
      return null;
    }
    let finish!: () => void;
    this.current = { job: job.name, since: new Date(), done: new Promise<void>((r) => (finish = r)) };
    try {
      let held: Awaited<ReturnType<typeof acquireLock>>;
      try {
        held = await acquireLock(this.warehouseFile, { command: `schedule: ${job.name}`, waitMs: 0 });
      } catch (e) {
        if (e instanceof LockBusy) {
          this.skip(job, `the warehouse is busy: ${describeOwner(e.owner)} holds the run lock`);
          return null;
        }
        throw e;
      }
      try {
        const t0 = Date.now();
        this.opts.log(`schedule: ${job.name} (${job.task}) started`);
        const out = await executeTask(
          job.task,
          { cfg: this.cfg, meta: { trigger: "schedule", job: job.name }, log: this.opts.log, pendingSkips: this.pendingSkips, ...this.opts.context },
          { publishAfterRun: this.cfg.schedule!.publish_after_run },
        );
        this.opts.log(`schedule: ${job.name} ${out.ok ? "finished" : "finished with errors"} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        return out;
      } finally {
        await held.release();
      }
    } catch (e) {
      // a failed job is recorded by the task itself; the schedule goes on
      this.opts.log(`schedule: ${job.name} ${e instanceof Stopped ? "stopped" : "failed"}: ${(e as Error).message}`);
      return null;
    } finally {
      this.current = null;
      finish();
    }
  }

  /** Stop firing; wait for the job in flight to finish its transaction. */
  async stop(): Promise<void> {
    for (const t of this.tasks) await t.stop();
    for (const t of this.tasks) await t.destroy();
    this.tasks = [];
    await this.current?.done;
  }
}
