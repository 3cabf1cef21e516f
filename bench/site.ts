/**
 * The site's part of the benchmark: for a demo department of N agents, the time to publish the snapshot, the
 * time to build the boards from it, the size of dist/, and the first render of the rankings page in Chromium
 * (a cold browser context each time, served from 127.0.0.1). Targets: 2,000 agents built in under 60 s; first
 * render under 1.5 s.
 *
 *   npm run bench:site                       80 and 2,000 agents (a scored warehouse in bench/out is reused)
 *   npm run bench:site -- --agents 80 --fresh   one size, generated and scored again
 *   npm run bench:site -- --no-management        without the management build (every period named: the largest site)
 *
 * `benchSite()` returns the figures for the main benchmark to print.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import YAML from "yaml";
import { z } from "zod";
import { DEMO_SOURCES } from "../core/config/app.ts";
import { du } from "../pipelines/site/build.ts";
import { serveDir } from "../pipelines/site/serve.ts";
import { formatPhoneFigures, type PhoneFigure, phoneFirstContent } from "./phone.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const OUT = path.join(ROOT, "bench", "out");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface SiteFigures {
  agents: number;
  tickets: number;
  /** seconds to generate, ingest and score the department (null when a scored warehouse was reused) */
  pipeline_s: number | null;
  publish_s: number;
  build_s: number;
  dist_bytes: number;
  dist_files: number;
  /** first render of the rankings page, each run in a cold browser context; null without Chromium */
  rankings_first_render_ms: number[] | null;
  rankings_first_render_median_ms: number | null;
  rankings_rows: number | null;
  /** the chart boards on a throttled phone profile (bench/phone.ts); null without Chromium */
  phone: PhoneFigure[] | null;
  /** the management build, which names every agent in every period (as the staff build does once every period is
   *  published): its snapshot's publish time and the size of its site, the largest site of the department */
  management: { publish_s: number; build_s: number; dist_bytes: number; dist_files: number } | null;
}

export const SiteBenchOptions = z.object({
  sizes: z.array(z.object({ agents: z.number().int().min(40), tickets: z.number().int().min(1000) })).default([
    { agents: 80, tickets: 120_000 },
    // the demo's density (1,500 tickets per agent over 24 months): fewer leaves most agents below the minimum
    // sample, and the rankings table nearly empty (400,000 tickets ranked 4 of 1,816 agents in the last month)
    { agents: 2000, tickets: 3_000_000 },
  ]),
  fresh: z.boolean().default(false),
  renders: z.number().int().min(1).max(20).default(3),
  /** also publish and build the management build (every period named) and measure its size */
  management: z.boolean().default(true),
  log: z.custom<(s: string) => void>().optional(),
});

function appraisal(config: string, args: string[]): void {
  execFileSync(process.execPath, [path.join(ROOT, "bin", "appraisal.mjs"), "--config", config, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true" },
  });
}

const seconds = (t0: number) => (Date.now() - t0) / 1000;

async function firstRender(dist: string, runs: number): Promise<{ ms: number[]; rows: number } | null> {
  if (!existsSync(CHROMIUM)) return null;
  const site = await serveDir(dist, 0);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const ms: number[] = [];
    let rows = 0;
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      // requests are watched, not intercepted: routing every request through the driver would add its round trip
      // to each of them and to the figure; a request to any other host fails the benchmark instead
      const elsewhere: string[] = [];
      context.on("request", (r) => {
        if (new URL(r.url()).hostname !== "127.0.0.1" && !r.url().startsWith("data:")) elsewhere.push(r.url());
      });
      const page = await context.newPage();
      const t0 = Date.now();
      await page.goto(`${site.url}rankings`, { waitUntil: "commit" });
      await page.waitForSelector('table[data-table="rankings"] tbody tr', { timeout: 60_000 });
      ms.push(Date.now() - t0);
      rows = Number(await page.getAttribute('table[data-table="rankings"]', "data-rows"));
      await context.close();
      if (elsewhere.length) throw new Error(`the rankings page requested another host: ${elsewhere.join(", ")}`);
    }
    return { ms, rows };
  } finally {
    await browser.close();
    await site.close();
  }
}

export async function benchSite(options: z.input<typeof SiteBenchOptions> = {}): Promise<SiteFigures[]> {
  const o = SiteBenchOptions.parse(options);
  const log = o.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const figures: SiteFigures[] = [];
  for (const size of o.sizes) {
    const dir = path.join(OUT, `site-${size.agents}-${size.tickets}`);
    const config = path.join(dir, "appraisal.config.yaml");
    const warehouse = path.join(dir, "warehouse", "appraisal.duckdb");
    if (o.fresh) rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      config,
      YAML.stringify({
        warehouse: "warehouse/appraisal.duckdb",
        schemes_dir: path.join(ROOT, "schemes"),
        demo_mode: true,
        demo: { out: "demo-data", agents: size.agents, tickets: size.tickets },
        sources: DEMO_SOURCES,
      }),
    );
    let pipeline: number | null = null;
    if (!existsSync(warehouse)) {
      log(`site bench: ${size.agents} agents, ${size.tickets} tickets: generating and scoring the department ...`);
      const t0 = Date.now();
      appraisal(config, ["pipeline"]);
      pipeline = seconds(t0);
    }
    // the staff build names agents only in periods published for objection (公示): the rankings page measured below
    // shows the current quarter (the demo's 2026-Q3), so it is published first (each run adds a revision)
    appraisal(config, ["publish", "--period", "2026-Q3", "--provisional"]);
    log(`site bench: ${size.agents} agents: publishing ...`);
    let t0 = Date.now();
    appraisal(config, ["snapshot"]);
    const publish = seconds(t0);
    log(`site bench: ${size.agents} agents: building ...`);
    const dist = path.join(dir, "dist");
    t0 = Date.now();
    appraisal(config, ["build", "--out", dist]);
    const build = seconds(t0);
    const { files, bytes } = du(dist);
    log(`site bench: ${size.agents} agents: first render of the rankings page ...`);
    const render = await firstRender(dist, o.renders);
    const sorted = render ? [...render.ms].sort((a, b) => a - b) : null;
    log(`site bench: ${size.agents} agents: the chart boards on a phone profile ...`);
    const phone = await phoneFirstContent(dist, o.renders);
    let management: SiteFigures["management"] = null;
    if (o.management) {
      log(`site bench: ${size.agents} agents: publishing and building the management build ...`);
      t0 = Date.now();
      appraisal(config, ["snapshot", "--audience", "management"]);
      const publishM = seconds(t0);
      t0 = Date.now();
      const distM = path.join(dir, "dist-management");
      appraisal(config, ["build", "--audience", "management", "--out", distM]);
      const buildM = seconds(t0);
      const m = du(distM);
      management = { publish_s: publishM, build_s: buildM, dist_bytes: m.bytes, dist_files: m.files };
    }
    figures.push({
      agents: size.agents,
      tickets: size.tickets,
      pipeline_s: pipeline,
      publish_s: publish,
      build_s: build,
      dist_bytes: bytes,
      dist_files: files,
      rankings_first_render_ms: render?.ms ?? null,
      rankings_first_render_median_ms: sorted ? sorted[Math.floor(sorted.length / 2)]! : null,
      rankings_rows: render?.rows ?? null,
      phone,
      management,
    });
  }
  return figures;
}

export function formatSiteFigures(figures: SiteFigures[]): string {
  const lines = ["agents  tickets  publish  build (target < 60 s)  dist            rankings first render (target < 1.5 s)"];
  for (const f of figures) {
    lines.push(
      `${String(f.agents).padStart(6)}  ${String(f.tickets).padStart(7)}  ${f.publish_s.toFixed(1).padStart(5)} s  ${f.build_s.toFixed(1).padStart(6)} s${f.build_s < 60 ? "  ok      " : "  SLOW    "}  ${(f.dist_bytes / 1024 / 1024).toFixed(1).padStart(6)} MiB ${String(f.dist_files).padStart(5)} files  ${
        f.rankings_first_render_median_ms === null
          ? `not measured: no Chromium at ${CHROMIUM}`
          : `median ${f.rankings_first_render_median_ms} ms of ${f.rankings_first_render_ms!.join(", ")} (${f.rankings_rows} rows)${f.rankings_first_render_median_ms < 1500 ? " ok" : " SLOW"}`
      }`,
    );
  }
  for (const f of figures) {
    lines.push(
      `${f.agents} agents: publish ${f.publish_s.toFixed(1)} s (target < 2 s: ${f.publish_s < 2 ? "met" : "missed"}), site ${(f.dist_bytes / 1024 / 1024).toFixed(1)} MiB (target < 60 MiB: ${f.dist_bytes < 60 * 1024 * 1024 ? "met" : "missed"})`,
    );
    if (f.management)
      lines.push(
        `${f.agents} agents, management build (every period named): publish ${f.management.publish_s.toFixed(1)} s, build ${f.management.build_s.toFixed(1)} s, site ${(f.management.dist_bytes / 1024 / 1024).toFixed(1)} MiB in ${f.management.dist_files} files (target < 60 MiB: ${f.management.dist_bytes < 60 * 1024 * 1024 ? "met" : "missed"})`,
      );
    lines.push(`${f.agents} agents, ${formatPhoneFigures(f.phone)}`);
  }
  return lines.join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      agents: { type: "string", multiple: true },
      tickets: { type: "string" },
      fresh: { type: "boolean" },
      renders: { type: "string" },
      json: { type: "boolean" },
      "no-management": { type: "boolean" },
    },
  });
  const sizes = values.agents?.map((a) => ({ agents: Number(a), tickets: Number(values.tickets ?? Number(a) * 1500) }));
  const figures = await benchSite({
    sizes,
    fresh: values.fresh,
    renders: values.renders ? Number(values.renders) : undefined,
    management: !values["no-management"],
  });
  process.stdout.write(`${values.json ? JSON.stringify(figures, null, 2) : formatSiteFigures(figures)}\n`);
}
