/**
 * The `appraisal` command line. Every flag is checked by a zod schema before anything runs; a failure prints
 * one clear message and exits non-zero.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Command, Option } from "commander";
import { z } from "zod";
import { type AppConfig, loadConfig, resolvePath, schemesDir } from "../../core/config/app.ts";
import { Warehouse } from "../../core/db/warehouse.ts";
import { unreadableFile } from "../../core/file-access.ts";
import { formatZodError, msg } from "../../core/messages.ts";
import { PeriodLabel } from "../../core/periods.ts";
import { installSignalHandlers, onStop, Stopped, stopSignal } from "../../core/shutdown.ts";
import { loadFile } from "../../data-loaders/ingest/load-file.ts";
import { loadMapping } from "../../data-loaders/mappings/schema.ts";
import { generateDemo } from "../demo/generate.ts";
import { explain, formatExplanation } from "../explain.ts";
import { ChecksFailed } from "../run.ts";
import { executeTask, type JobContext } from "../schedule/jobs.ts";
import { describeOwner, LockBusy, liveOwner, withLock } from "../schedule/lock.ts";
import { nextRuns, Scheduler } from "../schedule/scheduler.ts";
import { findScheme, loadSchemes } from "../scheme/load.ts";
import { formatStatus, readStatus } from "../status.ts";
import { addLoopCommands } from "./loop-commands.ts";
import { addMappingCommands } from "./mapping-commands.ts";
import { demoStep, ingestReporter, runReporter, summaryLine } from "./progress.ts";
import { addProofCommands } from "./proof-commands.ts";
import { addRulesCommands, type RulesDeps } from "./rules-commands.ts";
import { doBuild, registerSiteCommands, serveForever } from "./site.ts";

/** A user-facing failure: printed without a stack trace. */
export class UsageError extends Error {}

function parse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(formatZodError(where, r.error));
  return r.data;
}

const intFlag = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const GlobalOpts = z.object({ config: z.string().optional(), wait: intFlag(0, 86_400).default(1800) });

function config(cmd: Command): AppConfig {
  const g = parse(GlobalOpts, cmd.optsWithGlobals(), "options");
  return loadConfig(g.config);
}

const say = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Run a command that writes the warehouse holding the run lock: a scheduled job and a manual run never overlap.
 * A manual run waits for the one in progress (up to --wait seconds), saying what it waits for; SIGTERM lets the
 * transaction in flight finish, then the command exits.
 */
async function locked<T>(cfg: AppConfig, cmd: Command, command: string, fn: () => Promise<T>): Promise<T> {
  const { wait } = parse(GlobalOpts, cmd.optsWithGlobals(), "options");
  installSignalHandlers(say);
  try {
    return await withLock(
      resolvePath(cfg, cfg.warehouse),
      { command, waitMs: wait * 1000, onWait: (owner) => say(msg.waitingFor(describeOwner(owner), wait)) },
      fn,
    );
  } catch (e) {
    if (e instanceof LockBusy) throw new UsageError(`${e.message}; nothing was done. Try again when it has finished, or pass a longer --wait`);
    if (e instanceof Stopped) throw new UsageError(e.message);
    if (e instanceof ChecksFailed) throw new UsageError(e.message);
    throw e;
  }
}

function jobContext(cfg: AppConfig, extra: Partial<JobContext> = {}): JobContext {
  return { cfg, meta: { trigger: "manual" }, log: say, ingestReporter: ingestReporter(), runReporter: runReporter(), ...extra };
}

async function openWarehouse(cfg: AppConfig, readOnly = false): Promise<Warehouse> {
  const file = resolvePath(cfg, cfg.warehouse);
  if (readOnly && !existsSync(file)) throw new UsageError(msg.noWarehouseYet(file));
  return Warehouse.open(file, { timezone: cfg.timezone, readOnly, memoryLimit: cfg.memory_limit });
}

const DemoOpts = z.object({
  out: z.string().optional(),
  seed: intFlag(0, 2 ** 31).optional(),
  agents: intFlag(5, 100_000).optional(),
  tickets: intFlag(100, 100_000_000).optional(),
  months: intFlag(3, 120).optional(),
  endMonth: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "expected a month like 2026-10").optional(),
  singleFile: z.boolean().optional(),
  ticketsOnly: z.boolean().optional(),
});

/** Write the demo files unless the same settings already wrote them. */
export async function ensureDemo(cfg: AppConfig, overrides: z.infer<typeof DemoOpts> = {}, force = false): Promise<string> {
  const d = { ...cfg.demo, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
  const out = resolvePath(cfg, overrides.out ?? cfg.demo.out);
  const manifestFile = path.join(out, "manifest.json");
  if (!force && existsSync(manifestFile)) {
    const m = JSON.parse(readFileSync(manifestFile, "utf8"));
    // files of an older generator (without the roster history's movers) are written again
    if (m.seed === d.seed && m.agents === d.agents && m.tickets === d.tickets && m.months === d.months && m.end?.startsWith(d.end_month) && m.planted?.movers) {
      process.stderr.write(`demo files in ${out} are up to date (seed ${d.seed})\n`);
      return out;
    }
  }
  process.stderr.write(`writing the demo department's export files to ${out} ...\n`);
  const t0 = Date.now();
  const manifest = await generateDemo({
    out,
    seed: d.seed,
    agents: d.agents,
    tickets: d.tickets,
    months: d.months,
    endMonth: (overrides.endMonth ?? d.end_month) as string,
    singleFile: overrides.singleFile,
    ticketsOnly: overrides.ticketsOnly,
    timezone: cfg.timezone,
    onStep: demoStep,
  });
  process.stderr.write(
    `demo: ${manifest.agents} agents, ${manifest.tickets} tickets, ${manifest.start} to ${manifest.end}, ${manifest.files.length} files in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  return out;
}

function ingestSummary(r: NonNullable<Awaited<ReturnType<typeof executeTask>>["ingest"]>, t0: number): void {
  const loaded = r.batches.filter((b) => b.status === "loaded");
  const unchanged = r.batches.filter((b) => b.status === "skipped").length;
  const failed = r.batches.filter((b) => b.status === "failed").length;
  const rows = loaded.reduce((a, b) => a + b.rowsRead, 0);
  const quarantined = r.batches.reduce((a, b) => a + b.quarantined, 0);
  say(msg.ingestSummary(loaded.length, unchanged, failed, rows, quarantined, (Date.now() - t0) / 1000));
  if (failed) say(msg.unreadableFilesHint());
}

function hasSources(cfg: AppConfig): boolean {
  return cfg.sources.length > 0 || cfg.api_sources.length > 0 || Boolean(cfg.drop_folder);
}

async function doIngest(cfg: AppConfig, cmd: Command, opts: { source?: string[]; force?: boolean }): Promise<boolean> {
  if (!hasSources(cfg)) throw new UsageError(msg.noSources());
  return locked(cfg, cmd, "ingest", async () => {
    const t0 = Date.now();
    const out = await executeTask("ingest", jobContext(cfg, { only: opts.source, force: opts.force }));
    ingestSummary(out.ingest!, t0);
    return out.ok;
  });
}

function runSummary(r: NonNullable<Awaited<ReturnType<typeof executeTask>>["run"]>): void {
  say(msg.runSummary(r.runId, r.models, r.checks, r.seconds, r.tables["mart.rankings"] ?? 0, r.tables["mart.indicator_scores"] ?? 0));
  if (r.rebuilt) say(msg.runRebuilt(r.rebuilt.mode === "periods" ? (r.rebuilt.periods ?? []) : null, r.rebuilt.why ?? null));
  for (const w of r.warnings ?? []) say(`warning: ${w}`);
  // (a run's changes to published periods are said by the task itself: pendingMessage, schedule/jobs.ts)
  if (r.pending.length) say(msg.pendingKept(r.pending.length));
}

async function doRun(cfg: AppConfig, cmd: Command, opts: { full?: boolean } = {}): Promise<void> {
  await locked(cfg, cmd, "run", async () => {
    const out = await executeTask("run", jobContext(cfg, { full: opts.full }));
    runSummary(out.run!);
  });
}

export async function doPipeline(cfg: AppConfig, cmd: Command, opts: { force?: boolean } = {}): Promise<void> {
  if (!hasSources(cfg) && !cfg.demo_mode) throw new UsageError(msg.noSources());
  await locked(cfg, cmd, "pipeline", async () => {
    const t0 = Date.now();
    const out = await executeTask(
      "pipeline",
      jobContext(cfg, { force: opts.force, beforeIngest: cfg.demo_mode ? async () => void (await ensureDemo(cfg)) : undefined }),
    );
    ingestSummary(out.ingest!, t0);
    runSummary(out.run!);
    say(msg.scoredWarehouse(resolvePath(cfg, cfg.warehouse)));
    if (!out.ok) {
      // scored what was loaded, but a source file that could not be read leaves its periods incomplete
      const failed = out.ingest!.batches.filter((b) => b.status === "failed");
      say(msg.pipelineIncomplete(failed.map((b) => b.file)));
      process.exitCode = 1;
    }
  });
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("appraisal")
    .description("Transparent appraisal boards for technical-support departments: exports in, DuckDB warehouse, scores out.")
    .option("-c, --config <file>", "config file (default: ./appraisal.config.yaml, else the embedded demo department)")
    .option("--wait <seconds>", "how long a command that writes waits for a run in progress (scheduled or manual) before giving up", "1800")
    .showHelpAfterError("(run with --help for usage)");

  program
    .command("demo")
    .description("write a generated demo department's export files (roster, tickets, CSAT, 360, surveys, trainings, audits)")
    .option("--out <dir>", "folder for the files (default from config: demo-data)")
    .option("--seed <n>", "random seed; the same seed gives the same files")
    .option("--agents <n>", "number of agents (default 80)")
    .option("--tickets <n>", "number of tickets over the whole span (default 120000)")
    .option("--months <n>", "months of history (default 24)")
    .option("--end-month <yyyy-mm>", "last month of data (default 2026-10)")
    .option("--single-file", "one tickets.csv with final versions instead of monthly exports")
    .option("--tickets-only", "only the roster and the tickets (benchmark input)")
    .option("--force", "write even if files with the same settings exist")
    .action(async (opts, cmd) => {
      const cfg = config(cmd);
      await ensureDemo(cfg, parse(DemoOpts, opts, "demo options"), Boolean(opts.force));
    });

  program
    .command("ingest")
    .description("load the configured sources (or one file) into the warehouse: checked, quarantined, one transaction per file")
    .option("--source <name...>", "only these configured sources")
    .option("--file <path>", "load one file instead of the configured sources (needs --mapping)")
    .option("--mapping <name>", "mapping for --file: a name under data-loaders/mappings (demo/tickets, zendesk-tickets-csv) or a .yaml path")
    .option("--force", "load files again even if the same content was loaded before")
    .action(async (opts, cmd) => {
      const cfg = config(cmd);
      const o = parse(
        z.object({ source: z.array(z.string()).optional(), file: z.string().optional(), mapping: z.string().optional(), force: z.boolean().optional() }),
        opts,
        "ingest options",
      );
      if (o.file) {
        if (!o.mapping) throw new UsageError("--file needs --mapping (for example --mapping zendesk-tickets-csv)");
        // a FIFO, a device, a folder or a file without read access is refused before the warehouse is locked
        const refused = unreadableFile(o.file);
        if (refused) throw new UsageError(refused);
        const file = o.file;
        const mapping = o.mapping;
        await locked(cfg, cmd, "ingest --file", async () => {
          const wh = await openWarehouse(cfg);
          try {
            const s = await loadFile(wh, { file, source: "cli", mapping: loadMapping(mapping), force: o.force });
            process.stderr.write(`${summaryLine(s)}\n`);
            for (const p of s.problems) process.stderr.write(`    ${p}\n`);
            if (s.status === "failed") process.exitCode = 1;
          } finally {
            wh.close();
          }
        });
        return;
      }
      if (!(await doIngest(cfg, cmd, o))) process.exitCode = 1;
    });

  program
    .command("run")
    .description(
      "compute metrics, scores, rankings and trends, then run the checks (all or nothing): only the periods new inputs touched when every change was traced to periods, else every period",
    )
    .option("--full", "rebuild every period from scratch, whatever changed")
    .action(async (opts, cmd) => doRun(config(cmd), cmd, { full: Boolean(opts.full) }));

  program
    .command("pipeline")
    .description("the main job without serving: demo files (when no source is configured), ingest, run")
    .option("--force", "reload files already loaded")
    .action(async (opts, cmd) => doPipeline(config(cmd), cmd, { force: Boolean(opts.force) }));

  program
    .command("start")
    .description("the main job: pipeline, build the boards, serve them on 127.0.0.1 (keeps serving)")
    .option("--port <n>", "port (default 4321; the next free one if busy)", "4321")
    .action(async (opts, cmd) => {
      const cfg = config(cmd);
      const o = parse(z.object({ port: z.coerce.number().int().min(0).max(65535) }), opts, "start options");
      await doPipeline(cfg, cmd);
      process.stdout.write(`\nThe warehouse is scored: ${resolvePath(cfg, cfg.warehouse)}\nTry: npx appraisal status  |  npx appraisal explain --agent E1027 --period 2026-Q3\n`);
      const site = await doBuild(cfg, { audience: "staff" });
      await serveForever(site.out, o.port);
    });

  registerSiteCommands(program, config, parse);

  program
    .command("status")
    .description("what the warehouse holds: sources, rows, quarantine, periods, schemes, last runs")
    .option("--json", "machine-readable output")
    .action(async (opts, cmd) => {
      const cfg = config(cmd);
      const file = resolvePath(cfg, cfg.warehouse);
      // a holder that was killed leaves its owner file behind: its pid is checked, and a dead one is not "running"
      const { owner, dead } = liveOwner(file);
      let wh: Warehouse;
      try {
        wh = await openWarehouse(cfg, true);
      } catch (e) {
        if (owner) throw new UsageError(`${describeOwner(owner)} is writing the warehouse; 'appraisal status' can read it when that has finished`);
        throw e;
      }
      try {
        const s = await readStatus(wh, { next: nextRuns(cfg, 1), lock: owner, deadLock: dead });
        process.stdout.write(`${opts.json ? JSON.stringify(s, null, 2) : formatStatus(s)}\n`);
      } finally {
        wh.close();
      }
    });

  program
    .command("schedule")
    .description("run the configured jobs (schedule: in the config) until SIGTERM: ingest, run, publish, reminders; one at a time")
    .option("--run-now <job>", "run this configured job once now and exit (for a test or a catch-up)")
    .action(async (opts, cmd) => {
      const cfg = config(cmd);
      const o = parse(z.object({ runNow: z.string().optional() }), opts, "schedule options");
      if (!cfg.schedule) throw new UsageError("no schedule: add a schedule: section with jobs to the config (see README, 'The schedule')");
      installSignalHandlers(say);
      const scheduler = new Scheduler(cfg, { log: (l) => say(`${new Date().toISOString()} ${l}`), context: { ingestReporter: ingestReporter() } });
      if (o.runNow) {
        const job = cfg.schedule.jobs.find((j) => j.name === o.runNow);
        if (!job) throw new UsageError(`no job '${o.runNow}'; the jobs are ${cfg.schedule.jobs.map((j) => j.name).join(", ")}`);
        const out = await scheduler.fire(job);
        if (!out?.ok) process.exitCode = 1;
        return;
      }
      scheduler.start();
      say(`schedule: running ${cfg.schedule.jobs.length} job(s); SIGTERM or Ctrl-C stops after the job in flight`);
      await new Promise<void>((resolve) => {
        if (stopSignal.requested) resolve();
        onStop(resolve);
      });
      await scheduler.stop();
      say("schedule: stopped");
    });

  program
    .command("publish-site")
    .description("rebuild the boards with the configured command and publish them atomically to the configured directory")
    .action(async (_opts, cmd) => {
      const cfg = config(cmd);
      if (!cfg.publish) throw new UsageError("nothing to publish to: add a publish: section (command, output, target) to the config");
      await locked(cfg, cmd, "publish", () => executeTask("publish", jobContext(cfg)));
    });

  program
    .command("explain")
    .description("the whole path of one agent's score: inputs, values, scores, weights, contributions, rank, scheme version")
    .requiredOption("--agent <id>", "agent id, as in the roster (for example E1027)")
    .requiredOption("--period <period>", "a month 2026-09, a quarter 2026-Q3 or a year 2026")
    .addOption(new Option("--scheme <id>", "scheme id (default: the config's primary scheme)"))
    .option("--json", "machine-readable output")
    .action(async (opts, cmd) => {
      const cfg = config(cmd);
      const o = parse(
        z.object({ agent: z.string().min(1), period: PeriodLabel, scheme: z.string().optional(), json: z.boolean().optional() }),
        opts,
        "explain options",
      );
      const schemeId = o.scheme ?? cfg.primary_scheme;
      if (!findScheme(loadSchemes(schemesDir(cfg)), schemeId)) throw new UsageError(msg.noScheme(schemeId, schemesDir(cfg)));
      const wh = await openWarehouse(cfg, true);
      try {
        const e = await explain(wh, o.agent, o.period, schemeId);
        process.stdout.write(`${o.json ? JSON.stringify(e, null, 2) : formatExplanation(e)}\n`);
      } finally {
        wh.close();
      }
    });
  const deps: RulesDeps = {
    config,
    open: openWarehouse,
    fail: (m) => new UsageError(m),
    locked: (cfg, cmd, name, fn) => locked(cfg, cmd, name, fn),
  };
  addRulesCommands(program, deps);
  addProofCommands(program, deps);
  addMappingCommands(program, deps);
  addLoopCommands(program, deps);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    const err = e as Error & { code?: string; exitCode?: number };
    if (err.code?.startsWith("commander.")) {
      return err.code === "commander.helpDisplayed" || err.code === "commander.version" ? 0 : (err.exitCode ?? 1);
    }
    const text = err instanceof UsageError || !process.env.APPRAISAL_DEBUG ? err.message : (err.stack ?? err.message);
    process.stderr.write(`appraisal: ${text}\n`);
    return 1;
  }
}
