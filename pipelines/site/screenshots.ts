/**
 * `npm run screenshots`: every board of the demo department, in both languages and both builds, at 1400 px and
 * 390 px (a desktop and a phone), as full-page PNGs in docs/screenshots/, with an index page (docs/screenshots/README.md).
 *
 * The demo is built in a folder of its own (.tmp/screenshots/, the demo files kept between runs), taken through the
 * publication lifecycle so that the boards show all three states: 2026-Q2 final (published, appeals closed, some
 * agents acknowledged), 2026-Q3 provisional with an appeal accepted and the period published again, later months not
 * published. Chromium from Debian (/usr/bin/chromium or CHROMIUM_PATH), nothing fetched from anywhere.
 *
 *   npm run screenshots                              everything (about 4 minutes on 2 cores)
 *   npm run screenshots -- --reuse                   keep the scored warehouse of the last run (build and shoot again)
 *   npm run screenshots -- --only zh-CN --boards rankings,agent
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Page } from "playwright-core";
import YAML from "yaml";
import { DEMO_SOURCES } from "../../core/config/app.ts";
import { Warehouse } from "../../core/db/warehouse.ts";
import { finalDemoPeriod } from "../demo/publication.ts";
import { PROJECT } from "./build.ts";
import { serveDir } from "./serve.ts";

const WORK = path.join(PROJECT, ".tmp", "screenshots");
const OUT = path.join(PROJECT, "docs", "screenshots");
const CONFIG = path.join(WORK, "appraisal.config.yaml");
const SCHEME = "support-weighted";
const WIDTHS = [1400, 390];
const LANGUAGES = ["zh-CN", "en"] as const;
const AUDIENCES = ["staff", "management"] as const;

/** The boards of each build: a name for the file, the path and query. The management build adds its own boards. */
const boards = (declining: string) => ({
  staff: [
    { name: "overview", path: "/" },
    { name: "leadership", path: "/leadership" },
    { name: "hr", path: "/hr" },
    { name: "rankings", path: "/rankings?period=2026-Q3" },
    { name: "agent", path: `/agent?id=${declining}&period=2026-Q3` },
    { name: "appeals", path: "/appeals?period=2026-Q3" },
    { name: "methodology", path: "/methodology" },
    { name: "status", path: "/status" },
  ],
  management: [
    { name: "tracker", path: "/tracker?period=2026-Q3" },
    { name: "calibration", path: "/calibration?period=2026-Q3" },
    { name: "lab", path: "/lab" },
    { name: "agent", path: `/agent?id=${declining}&period=2026-Q3` },
    { name: "appeals", path: "/appeals?period=2026-Q3" },
  ],
});

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * Every chart drawn, and no new chart since: a board inserts its lower sections' charts after its first view is shown
 * (components/vl.js draws them when near the view or idle), so "every chart present is drawn" can hold for a moment
 * before the rest exist. Polled until the drawn charts stay the same for half a second.
 */
async function chartsSettled(page: Page): Promise<void> {
  const drawn = () =>
    page.evaluate(() => {
      const charts = [...document.querySelectorAll<HTMLElement>("[data-chart]")];
      return charts.every((c) => c.dataset.rendered === "true") ? charts.length : -1;
    });
  let last = -2;
  for (let i = 0; i < 60; i++) {
    const now = await drawn();
    if (now >= 0 && now === last) return;
    last = now;
    await page.waitForTimeout(500);
  }
  throw new Error(`the charts of ${page.url()} were not all drawn after 30 s`);
}

function cli(args: string[], quiet = false): string {
  process.stderr.write(`\n$ appraisal ${args.join(" ")}\n`);
  return execFileSync(process.execPath, [path.join(PROJECT, "bin", "appraisal.mjs"), "--config", CONFIG, ...args], {
    cwd: WORK, // the draft file is named relative to the work folder, as a user names theirs
    encoding: "utf8",
    stdio: ["ignore", "pipe", quiet ? "pipe" : "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** The demo department, scored and taken through publication, appeals and acknowledgements. */
async function prepare(): Promise<string> {
  mkdirSync(WORK, { recursive: true });
  writeFileSync(
    CONFIG,
    YAML.stringify({
      warehouse: "warehouse/appraisal.duckdb",
      schemes_dir: path.join(PROJECT, "schemes"),
      language: "en",
      demo_mode: true,
      sources: DEMO_SOURCES,
      appeals: { contact: "人力资源部 王芳（分机 8021）" },
    }),
  );
  // a fresh warehouse each time (the acts below are one-off); the demo's export files are kept
  rmSync(path.join(WORK, "warehouse"), { recursive: true, force: true });
  cli(["pipeline"]);
  const planted = JSON.parse(readFileSync(path.join(WORK, "demo-data", "manifest.json"), "utf8")).planted;
  const declining: string = planted.declining;
  // 2026-Q2: published, appeal window passed, final, acknowledged by a few agents
  const wh = await Warehouse.open(path.join(WORK, "warehouse", "appraisal.duckdb"), { timezone: "Asia/Shanghai" });
  let ticket: string | null;
  let reviewed: { agent_id: string; quarter: string } | undefined;
  try {
    await finalDemoPeriod(wh, { scheme: SCHEME, period: "2026-Q2", timezone: "Asia/Shanghai", publishedAt: new Date("2026-07-06T02:00:00Z"), acknowledgedBy: [declining, planted.improving ?? "E1007", "E1001", "E1002"] });
    ticket = await wh.value<string>(
      "SELECT min(ticket_id) FROM int.tickets_credited WHERE resolver_id = $a AND resolved_at >= '2026-07-01' AND resolved_at < '2026-10-01'",
      { a: declining },
    );
    reviewed = await wh.one<{ agent_id: string; quarter: string }>(
      "SELECT agent_id, quarter FROM mart.bottom_tracker WHERE scheme_id = $s AND state = 'review' ORDER BY quarter DESC, agent_id LIMIT 1",
      { s: SCHEME },
    );
  } finally {
    wh.close();
  }
  // 2026-Q3: published for objection now; an appeal accepted with a correction; re-scored and published again
  cli(["publish", "--period", "2026-Q3", "--provisional"]);
  cli(["appeal", "file", "--agent", declining, "--period", "2026-Q3", "--indicator", "tickets_resolved", "--reason", "一张工单由客户门户自动关闭，并非本人解决", "--evidence", ticket ?? "TK-0"]);
  cli(["appeal", "decide", "--id", "1", "--accept", "--reason", "门户日志证实", "--correction", `exclude_ticket:${ticket}`]);
  if (reviewed) cli(["committee", "--agent", reviewed.agent_id, "--period", reviewed.quarter, "--decision", "extend_coaching", "--members", "部门经理, 人力资源部, 直属上级"]);
  cli(["run"]);
  cli(["publish", "--period", "2026-Q3", "--provisional"]);
  cli(["ack", "record", "--agent", "E1001", "--period", "2026-Q3"]);
  // the scheme lab: a draft that lowers the certifications' weight, simulated over the last four quarters
  writeFileSync(
    path.join(WORK, "draft.yaml"),
    YAML.stringify({
      scheme: "support-weighted",
      version: "2026.3",
      effective_from: "2026-10-01",
      notes: "专业认证占专业技能的权重由 25 降为 10；培训学时 30，360 专业技能评价 60（员工意见调查：认证名额有限）。",
      weights: { certifications: 10, training_hours: 30, skill_rating_360: 60 },
    }),
  );
  cli(["simulate", "--scheme", "draft.yaml", "--last", "4q"], true);
  return declining;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { reuse: { type: "boolean" }, only: { type: "string" }, boards: { type: "string" }, audience: { type: "string" } },
  });
  const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: apt-get install -y chromium fonts-noto-cjk, or set CHROMIUM_PATH`);
  const t0 = Date.now();
  const declining =
    values.reuse && existsSync(path.join(WORK, "warehouse", "appraisal.duckdb"))
      ? JSON.parse(readFileSync(path.join(WORK, "demo-data", "manifest.json"), "utf8")).planted.declining
      : await prepare();
  const languages = LANGUAGES.filter((l) => !values.only || values.only === l);
  const audiences = AUDIENCES.filter((a) => !values.audience || values.audience === a);
  const only = values.boards ? new Set(values.boards.split(",")) : null;
  const dist = (a: string, l: string) => path.join(WORK, `dist-${a}-${l}`);
  for (const a of audiences)
    for (const l of languages)
      cli(["build", "--audience", a, "--language", l, "--out", dist(a, l)]);

  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: FLAGS });
  const written: string[] = [];
  try {
    for (const a of audiences) {
      for (const l of languages) {
        const site = await serveDir(dist(a, l), 0);
        try {
          for (const width of WIDTHS) {
            const context = await browser.newContext({ viewport: { width, height: width < 600 ? 844 : 900 }, locale: l, deviceScaleFactor: 1 });
            await context.route("**/*", (route) => (new URL(route.request().url()).hostname === "127.0.0.1" ? route.continue() : route.abort()));
            const page = await context.newPage();
            for (const b of boards(declining)[a]) {
              if (only && !only.has(b.name)) continue;
              await page.goto(new URL(b.path, site.url).href, { waitUntil: "networkidle" });
              await page.waitForSelector("main h1");
              await chartsSettled(page);
              const file = `${l}-${a}-${b.name}-${width}.png`;
              await page.screenshot({ path: path.join(OUT, file), fullPage: true });
              written.push(file);
              process.stderr.write(`  ${file}\n`);
            }
            await context.close();
          }
        } finally {
          await site.close();
        }
      }
    }
  } finally {
    await browser.close();
  }
  writeIndex();
  process.stderr.write(`\n${written.length} screenshots in ${path.relative(PROJECT, OUT)}/ in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
}

/** docs/screenshots/README.md: every screenshot in the folder, by build, language and board. */
function writeIndex(): void {
  const files = readdirSync(OUT).filter((f) => f.endsWith(".png")).sort();
  const rows = new Map<string, string[]>();
  for (const f of files) {
    const m = /^(zh-CN|en)-(staff|management)-(.+)-(\d+)\.png$/.exec(f);
    if (!m) continue;
    const key = `${m[2]} build · ${m[1]} · ${m[3]}`;
    rows.set(key, [...(rows.get(key) ?? []), f]);
  }
  const lines = [
    "# Screenshots of the boards",
    "",
    "Written by `npm run screenshots` (pipelines/site/screenshots.ts) from the demo department: 2026-Q2 final, 2026-Q3",
    "provisional with one appeal accepted, later periods not published. Each board at 1400 px (desktop) and 390 px (phone).",
    "",
    "| build · language · board | 1400 px | 390 px |",
    "|---|---|---|",
    ...[...rows].map(([k, fs]) => `| ${k} | ${fs.filter((f) => f.endsWith("-1400.png")).map((f) => `[png](${f})`).join(" ")} | ${fs.filter((f) => f.endsWith("-390.png")).map((f) => `[png](${f})`).join(" ")} |`),
    "",
  ];
  writeFileSync(path.join(OUT, "README.md"), lines.join("\n"));
}

main().catch((e) => {
  process.stderr.write(`screenshots failed: ${(e as Error).message}\n`);
  process.exit(1);
});
