/**
 * `npm run bench`: generate N tickets for A agents (1M by default, sized for a 2-core machine; `--full` for 10M),
 * then time, each in its own process, DuckDB alone reading the same file and aggregating per agent (the baseline),
 * DuckDB alone loading it (a reference for ingest), `appraisal ingest` and `appraisal run`; print tickets per second,
 * the ratio to the baseline and peak memory; the slowest models with their share of the run, and EXPLAIN ANALYZE
 * of the top three into the output folder (bench/profile.ts); publishing the 2,000 agents' snapshot; then one more
 * day of exports (bench/delta.ts: new tickets, new versions of open tickets) ingested and run again, with its ratio
 * to the full run, the day after that (the daily refresh once refreshes follow each other), and an ingest and run
 * with nothing new (the floor every refresh pays before its own work). Then the boards
 * (bench/site.ts): publish and build time, site size, the rankings page's first render and the chart boards' first
 * content on a throttled phone profile (bench/phone.ts), for 80 and 2,000 agents.
 * Targets (issue 14): ingest + run within 15x of the baseline at 1M; the day's refresh at most 10% of the full run;
 * publishing 2,000 agents under 2 s; peak memory under 4 GiB.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { Warehouse } from "../core/db/warehouse.ts";
import { formatZodError } from "../core/messages.ts";
import { describeChanges, type InputChanges, type Rebuilt } from "../pipelines/run-changes.ts";
import { writeDelta } from "./delta.ts";
import { formatSlowest, profileModels, slowestModels } from "./profile.ts";
import { benchSite, formatSiteFigures } from "./site.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const BIN = path.join(ROOT, "bin", "appraisal.mjs");

const Args = z.object({
  tickets: z.coerce.number().int().min(1000).max(100_000_000).optional(),
  /** --full: 10M tickets (the full size; about 10 minutes on 2 cores) instead of the default 1M */
  full: z.boolean().default(false),
  agents: z.coerce.number().int().min(10).max(100_000).default(2000),
  memory: z.string().default("3GB"),
  out: z.string().default(path.join(ROOT, "bench", "out")),
  keep: z.boolean().default(false),
  /** --no-site: the pipeline only, without the boards' part (bench/site.ts) */
  site: z.boolean().default(true),
  /** --baseline-runs N: how many times the baseline runs; its median is the reference (one 1-2 s run at 1M moved the
   *  ratio by half: 15.1x and 26.8x for the same work in two benches, 2026-11-27) */
  "baseline-runs": z.coerce.number().int().min(1).max(9).default(3),
});

function parseArgs(argv: string[]): z.infer<typeof Args> & { tickets: number } {
  const raw: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("--")) continue;
    const key = a.slice(2);
    if (key === "keep") raw.keep = true;
    else if (key === "full") raw.full = true;
    else if (key === "no-site") raw.site = false;
    else raw[key] = argv[++i];
  }
  const r = Args.safeParse(raw);
  if (!r.success) throw new Error(formatZodError("bench arguments", r.error));
  return { ...r.data, tickets: r.data.tickets ?? (r.data.full ? 10_000_000 : 1_000_000) };
}

interface Step {
  name: string;
  seconds: number;
  maxRssKiB: number;
}

/** Run a step in its own process; it writes its seconds and peak memory to out/<name>.json. */
function timed(out: string, name: string, args: string[] | ((report: string) => string[])): Step {
  const report = path.join(out, `${name}.json`);
  rmSync(report, { force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, typeof args === "function" ? args(report) : args, {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, APPRAISAL_RESOURCE_REPORT: report, CI: "true" },
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${name} failed (exit ${r.status})`);
  const rep = JSON.parse(readFileSync(report, "utf8")) as { maxRssKiB: number; seconds?: number };
  return { name, seconds: rep.seconds ?? seconds, maxRssKiB: rep.maxRssKiB };
}

const mib = (kib: number) => kib / 1024;

export async function main(argv: string[]): Promise<number> {
  const a = parseArgs(argv);
  const data = path.join(a.out, `data-${a.agents}x${a.tickets}`);
  mkdirSync(a.out, { recursive: true });
  const file = path.join(data, "helpdesk", "tickets.csv");
  console.log(`benchmark: ${a.tickets.toLocaleString("en")} tickets, ${a.agents} agents, DuckDB memory limit ${a.memory}`);
  if (!existsSync(file)) {
    console.log("generating the input (not timed against the baseline) ...");
    timed(a.out, "generate", [BIN, "demo", "--out", data, "--agents", String(a.agents), "--tickets", String(a.tickets), "--single-file", "--tickets-only", "--force"]);
  }
  const size = statSync(file).size;
  const config = path.join(a.out, "bench.config.yaml");
  const warehouse = path.join(a.out, "bench.duckdb");
  const writeConfig = (extra = "") =>
    writeFileSync(
      config,
      `warehouse: ${warehouse}\nmemory_limit: ${a.memory}\nschemes_dir: ${path.join(ROOT, "schemes")}\nsources:\n` +
        `  - { name: roster, path: ${path.join(data, "hr", "roster.csv")}, mapping: demo/roster }\n` +
        `  - { name: tickets, path: ${file}, mapping: demo/tickets }\n${extra}`,
    );
  writeConfig();
  rmSync(warehouse, { force: true });
  rmSync(`${warehouse}.wal`, { force: true });

  const runs = a["baseline-runs"];
  console.log(`baseline: DuckDB alone reads the file and aggregates per agent and month (${runs} time${runs === 1 ? "" : "s"}, the median counts) ...`);
  const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
  const baselines = Array.from({ length: runs }, (_, i) =>
    timed(a.out, runs === 1 ? "baseline" : `baseline-${i + 1}`, (report) => [TSX, path.join(ROOT, "bench", "baseline.ts"), file, report]),
  );
  const baseline = { ...[...baselines].sort((x, y) => x.seconds - y.seconds)[Math.floor((runs - 1) / 2)]!, name: "baseline" };
  if (runs > 1) console.log(`baseline runs: ${baselines.map((b) => `${b.seconds.toFixed(2)} s`).join(", ")}; the median, ${baseline.seconds.toFixed(2)} s, is the baseline`);
  console.log("load: DuckDB alone loads the file into a table of a database file (no checks), a reference for ingest ...");
  const loadDb = path.join(a.out, "load.duckdb");
  rmSync(loadDb, { force: true });
  const load = timed(a.out, "load", (report) => [TSX, path.join(ROOT, "bench", "baseline.ts"), file, report, "load", loadDb]);
  rmSync(loadDb, { force: true });
  rmSync(`${loadDb}.wal`, { force: true });
  console.log("ingest: appraisal ingest (read, check every value, quarantine, write the warehouse) ...");
  const ingest = timed(a.out, "ingest", [BIN, "--config", config, "ingest"]);
  console.log("run: appraisal run (every model for every month, quarter and year, three schemes, checks) ...");
  const run = timed(a.out, "run", [BIN, "--config", config, "run"]);

  // the run's own record splits it: models and checks (meta.runs.detail.seconds), then publishing the snapshot;
  // the slowest models with their share, and EXPLAIN ANALYZE of the top three into the output folder
  let wh = await Warehouse.open(warehouse, { timezone: "Asia/Shanghai", readOnly: true });
  const scoring = Number(await wh.value("SELECT (detail->>'seconds')::DOUBLE FROM meta.runs WHERE kind = 'run' ORDER BY run_id DESC LIMIT 1"));
  const slowest = await slowestModels(wh);
  console.log("profile: EXPLAIN ANALYZE of the three slowest models ...");
  const profiles = await profileModels(
    wh,
    slowest.slice(0, 3).map((m) => m.model),
    a.out,
  );
  wh.close();

  console.log("publish: appraisal snapshot (the staff snapshot of every agent, again, on its own) ...");
  const publish = timed(a.out, "publish", [BIN, "--config", config, "snapshot"]);

  // one more day of exports: new tickets and new versions of open tickets, ingested and scored again
  const deltaDir = path.join(a.out, "delta");
  rmSync(deltaDir, { recursive: true, force: true });
  mkdirSync(deltaDir, { recursive: true });
  const delta = await writeDelta(file, path.join(deltaDir, "tickets-delta.csv"));
  writeConfig(`  - { name: tickets-delta, path: ${delta.file}, mapping: demo/tickets }\n`);
  console.log(`refresh: one more day (${delta.day}): ${delta.newTickets} new tickets, ${delta.updatedTickets} open tickets solved; ingest and run ...`);
  const ingestDelta = timed(a.out, "ingest-delta", [BIN, "--config", config, "ingest"]);
  const runDelta = timed(a.out, "run-delta", [BIN, "--config", config, "run"]);
  wh = await Warehouse.open(warehouse, { timezone: "Asia/Shanghai", readOnly: true });
  const last = await wh.one<{ changes: string | null; rebuilt: string | null }>(
    "SELECT (detail->'changes')::VARCHAR AS changes, (detail->'rebuilt')::VARCHAR AS rebuilt FROM meta.runs WHERE kind = 'run' ORDER BY run_id DESC LIMIT 1",
  );
  const rebuilt = describeChanges(last?.changes ? (JSON.parse(last.changes) as InputChanges) : null, last?.rebuilt ? (JSON.parse(last.rebuilt) as Rebuilt) : null);
  wh.close();
  // and the day after (its new tickets, and the first day's new tickets still open, solved): what the scheduler's
  // daily refresh costs once refreshes follow each other, for information (the target reads the first day)
  const delta2 = await writeDelta(delta.file, path.join(deltaDir, "tickets-delta-2.csv"));
  writeConfig(`  - { name: tickets-delta, path: ${delta.file}, mapping: demo/tickets }\n  - { name: tickets-delta-2, path: ${delta2.file}, mapping: demo/tickets }\n`);
  console.log(`refresh: the day after (${delta2.day}): ${delta2.newTickets} new tickets, ${delta2.updatedTickets} open tickets solved; ingest and run ...`);
  const ingestDelta2 = timed(a.out, "ingest-delta-2", [BIN, "--config", config, "ingest"]);
  const runDelta2 = timed(a.out, "run-delta-2", [BIN, "--config", config, "run"]);
  // and nothing new: what every refresh pays before its own work (the commands' start, the change tracing, the small
  // tables built whole and compared, the checks, the commit and checkpoint, the staff snapshot)
  console.log("refresh: nothing new; ingest and run ...");
  const ingestIdle = timed(a.out, "ingest-idle", [BIN, "--config", config, "ingest"]);
  const runIdle = timed(a.out, "run-idle", [BIN, "--config", config, "run"]);
  writeConfig();

  const parts: Step[] = [
    { name: "  models+checks", seconds: scoring, maxRssKiB: Number.NaN },
    { name: "  publish+rest", seconds: run.seconds - scoring, maxRssKiB: Number.NaN },
  ];

  const rows: Array<[string, string, string, string, string]> = [["step", "seconds", "tickets/s", "x baseline", "peak RSS"]];
  const refresh: Step = { name: "refresh (1 day)", seconds: ingestDelta.seconds + runDelta.seconds, maxRssKiB: Math.max(ingestDelta.maxRssKiB, runDelta.maxRssKiB) };
  const refresh2: Step = { name: "the day after", seconds: ingestDelta2.seconds + runDelta2.seconds, maxRssKiB: Math.max(ingestDelta2.maxRssKiB, runDelta2.maxRssKiB) };
  const idle: Step = { name: "nothing new", seconds: ingestIdle.seconds + runIdle.seconds, maxRssKiB: Math.max(ingestIdle.maxRssKiB, runIdle.maxRssKiB) };
  for (const s of [baseline, load, ingest, run, ...parts, publish, ingestDelta, runDelta, refresh, ingestDelta2, runDelta2, refresh2, ingestIdle, runIdle, idle])
    rows.push([
      s.name,
      s.seconds.toFixed(2),
      Math.round(a.tickets / s.seconds).toLocaleString("en"),
      (s.seconds / baseline.seconds).toFixed(2),
      Number.isNaN(s.maxRssKiB) ? "" : `${mib(s.maxRssKiB).toFixed(0)} MiB`,
    ]);
  const total = ingest.seconds + run.seconds;
  rows.splice(5, 0, ["ingest + run", total.toFixed(2), Math.round(a.tickets / total).toLocaleString("en"), (total / baseline.seconds).toFixed(2), ""]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log("");
  console.log(`input: ${(size / 1024 / 1024).toFixed(0)} MiB CSV, ${a.tickets.toLocaleString("en")} tickets, ${a.agents} agents`);
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
  const peak = Math.max(ingest.maxRssKiB, run.maxRssKiB, ingestDelta.maxRssKiB, runDelta.maxRssKiB, refresh2.maxRssKiB);
  const met = (ok: boolean) => (ok ? "(met)" : "(missed)");
  console.log("");
  const fullX = total / baseline.seconds;
  // the issue's targets by size: within 15x of the baseline at 1M; at 10M, ingest + run under 60 s
  const xLine = `ingest ${(ingest.seconds / baseline.seconds).toFixed(2)}x, run ${(run.seconds / baseline.seconds).toFixed(2)}x`;
  if (a.tickets >= 10_000_000) {
    console.log(`target: ingest + run at ${a.tickets.toLocaleString("en")} tickets under 60 s: ${total.toFixed(1)} s ${met(total < 60)} (${fullX.toFixed(1)}x the baseline; ${xLine})`);
  } else console.log(`target: ingest + run within 15x of the baseline (at 1M): ${fullX.toFixed(1)}x ${met(fullX <= 15)}; ${xLine}`);
  const share = refresh.seconds / total;
  console.log(`target: one more day refreshed in at most 10% of the full ingest + run: ${(share * 100).toFixed(1)}% ${met(share <= 0.1)}`);
  console.log(`  the refresh run rebuilt ${rebuilt}`);
  console.log(`  the day after, refreshed in its turn: ${refresh2.seconds.toFixed(1)} s, ${((refresh2.seconds / total) * 100).toFixed(1)}% of the full ingest + run`);
  console.log(`  the floor: ingest and run with nothing new take ${idle.seconds.toFixed(1)} s, ${((idle.seconds / total) * 100).toFixed(1)}% of the full ingest + run, before any refresh's own work`);
  console.log(`target: publishing ${a.agents} agents under 2 s: ${publish.seconds.toFixed(2)} s ${met(publish.seconds < 2)}`);
  console.log(`reference: ingest is ${(ingest.seconds / load.seconds).toFixed(2)}x DuckDB alone loading the same file without checks`);
  console.log(`target: under 4 GiB: peak ${(mib(peak) / 1024).toFixed(2)} GiB ${met(peak < 4 * 1024 * 1024)}`);
  console.log("slowest models of the full run (seconds, share of all models):");
  console.log(formatSlowest(slowest));
  console.log(`profiles: ${profiles.map((f) => path.relative(ROOT, f)).join(", ")}`);
  console.log(`warehouse: ${(statSync(warehouse).size / 1024 / 1024).toFixed(0)} MiB`);
  if (!a.keep) rmSync(warehouse, { force: true });

  if (a.site) {
    // the boards: publish, build and first render of the rankings page for 80 and 2,000 agents (bench/site.ts)
    console.log("");
    console.log("site: the boards for 80 and 2,000 agents (a scored department in bench/out is reused; `--no-site` skips this) ...");
    console.log(formatSiteFigures(await benchSite({ log: (line) => console.log(line) })));
  }
  return 0;
}
