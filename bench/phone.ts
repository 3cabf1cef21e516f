/**
 * The chart boards on a mid-range phone: each board opened in a fresh browser context of Chromium at 390 x 844 px,
 * with the Chrome DevTools Protocol slowing the CPU down 4x and the network to 4 Mbps each way with 20 ms of
 * latency (Emulation.setCPUThrottlingRate, Network.emulateNetworkConditions). Measured from navigation to
 *   - first paint (the browser's first-contentful-paint: the page frame and sidebar),
 *   - first content: the board's title and its headline figures or table in the DOM (a selector per board below),
 *   - first chart: the board's first chart drawn (a `figure.chart[data-rendered="true"]`, see components/vl.js),
 * with the bytes the page moved over the network until each, and the main thread's long tasks (over 50 ms) until
 * the first chart. The target is first content under 1.5 s; the first chart is reported beside it.
 *
 *   node --import tsx bench/phone.ts [dist] [--runs 3] [--detail]
 *
 * `--detail` also lists every request until the first chart (bytes, when it finished), grouped by kind.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { serveDir } from "../pipelines/site/serve.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * The boards with charts, by path, and what counts as their first content: the headline figure of the overview
 * (the department's score card), the leadership board's team table, the HR board's slice table.
 */
export const CHART_BOARDS = [
  { board: "overview", path: "", firstContent: '[data-metric="department-mean"]' },
  { board: "leadership", path: "leadership", firstContent: 'table[data-table="teams"]' },
  { board: "hr", path: "hr", firstContent: 'table[data-table="hr-slice"]' },
] as const;

export const PHONE = { cpuSlowdown: 4, mbps: 4, latencyMs: 20, width: 390, height: 844 } as const;
export const TARGET_MS = 1500;

export interface PhoneRequest {
  url: string;
  bytes: number;
  /** when the response had fully arrived, ms after navigation */
  done_ms: number;
}

export interface PhoneFigure {
  board: string;
  /** first content (headline figures or table in the DOM) per run, ms */
  first_content_ms: number[];
  first_content_median_ms: number;
  /** first chart drawn per run, ms */
  first_chart_ms: number[];
  first_chart_median_ms: number;
  first_paint_median_ms: number | null;
  /** bytes received until first content and until the first chart (median run of the first chart) */
  bytes_first_content: number;
  bytes: number;
  /** the main thread's tasks over 50 ms until the first chart (median run): how many, and their total ms */
  long_tasks: number;
  long_tasks_ms: number;
  /** every request until the first chart (median run) */
  requests: PhoneRequest[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Run {
  content: number;
  chart: number;
  paint: number | null;
  bytesContent: number;
  bytes: number;
  longTasks: number[];
  requests: PhoneRequest[];
}

/** Measure each chart board of a built site `dist` `runs` times; null without Chromium. */
export async function phoneFirstContent(dist: string, runs = 3): Promise<PhoneFigure[] | null> {
  if (!existsSync(CHROMIUM)) return null;
  const site = await serveDir(dist, 0);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const figures: PhoneFigure[] = [];
  try {
    for (const b of CHART_BOARDS) {
      const done: Run[] = [];
      for (let i = 0; i < runs; i++) {
        const context = await browser.newContext({ viewport: { width: PHONE.width, height: PHONE.height }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
        // the main thread's long tasks, observed from the start of the document
        await context.addInitScript(() => {
          const w = window as unknown as { __longTasks: number[] };
          w.__longTasks = [];
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) w.__longTasks.push(e.duration);
          }).observe({ type: "longtask", buffered: true });
        });
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send("Network.enable");
        await cdp.send("Emulation.setCPUThrottlingRate", { rate: PHONE.cpuSlowdown });
        const bytesPerSecond = (PHONE.mbps * 1_000_000) / 8;
        await cdp.send("Network.emulateNetworkConditions", {
          offline: false,
          latency: PHONE.latencyMs,
          downloadThroughput: bytesPerSecond,
          uploadThroughput: bytesPerSecond,
        });
        let received = 0;
        const urls = new Map<string, string>();
        const requests: PhoneRequest[] = [];
        let t0 = 0;
        cdp.on("Network.requestWillBeSent", (e: { requestId: string; request: { url: string } }) => {
          urls.set(e.requestId, e.request.url);
        });
        cdp.on("Network.loadingFinished", (e: { requestId: string; encodedDataLength: number }) => {
          received += e.encodedDataLength;
          requests.push({ url: urls.get(e.requestId) ?? "?", bytes: e.encodedDataLength, done_ms: Date.now() - t0 });
        });
        const elsewhere: string[] = [];
        context.on("request", (r) => {
          if (new URL(r.url()).hostname !== "127.0.0.1" && !r.url().startsWith("data:")) elsewhere.push(r.url());
        });
        t0 = Date.now();
        await page.goto(`${site.url}${b.path}`, { waitUntil: "commit" });
        // a figure is there when its element holds a digit (Framework's placeholder is there from the start)
        await page.waitForFunction((sel) => /\d/.test(document.querySelector(sel)?.textContent ?? ""), b.firstContent, { timeout: 120_000, polling: 20 });
        const content = Date.now() - t0;
        const bytesContent = received;
        await page.waitForSelector('figure.chart[data-rendered="true"]', { state: "attached", timeout: 120_000 });
        const chart = Date.now() - t0;
        const bytes = received;
        const shown = requests.filter((r) => r.done_ms <= chart);
        const { fcp, longTasks } = await page.evaluate(() => ({
          fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null,
          longTasks: (window as unknown as { __longTasks: number[] }).__longTasks,
        }));
        done.push({ content, chart, paint: fcp === null ? null : Math.round(fcp), bytesContent, bytes, longTasks, requests: shown.map((r) => ({ ...r, url: r.url.replace(site.url, "/") })) });
        await context.close();
        if (elsewhere.length) throw new Error(`the ${b.board} board requested another host: ${elsewhere.join(", ")}`);
      }
      const m = median(done.map((r) => r.chart));
      const mid = done.find((r) => r.chart === m)!;
      const paints = done.map((r) => r.paint).filter((p): p is number => p !== null);
      figures.push({
        board: b.board,
        first_content_ms: done.map((r) => r.content),
        first_content_median_ms: median(done.map((r) => r.content)),
        first_chart_ms: done.map((r) => r.chart),
        first_chart_median_ms: m,
        first_paint_median_ms: paints.length ? median(paints) : null,
        bytes_first_content: mid.bytesContent,
        bytes: mid.bytes,
        long_tasks: mid.longTasks.length,
        long_tasks_ms: Math.round(mid.longTasks.reduce((a, x) => a + x, 0)),
        requests: mid.requests,
      });
    }
  } finally {
    await browser.close();
    await site.close();
  }
  return figures;
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;

export function formatPhoneFigures(figures: PhoneFigure[] | null): string {
  if (!figures) return `phone: not measured: no Chromium at ${CHROMIUM}`;
  const lines = [
    `phone (${PHONE.cpuSlowdown}x CPU slowdown, ${PHONE.mbps} Mbps, ${PHONE.latencyMs} ms latency, ${PHONE.width} px): first content = title and headline figures or table; target: first content < ${TARGET_MS / 1000} s`,
  ];
  for (const f of figures)
    lines.push(
      `  ${f.board.padEnd(11)} first content median ${String(f.first_content_median_ms).padStart(5)} ms of ${f.first_content_ms.join(", ")} (${mib(f.bytes_first_content)}): target ${f.first_content_median_ms < TARGET_MS ? "met" : "missed"}; first chart median ${String(f.first_chart_median_ms).padStart(5)} ms of ${f.first_chart_ms.join(", ")} (${mib(f.bytes)}); first paint ${f.first_paint_median_ms ?? "?"} ms; ${f.long_tasks} long tasks, ${f.long_tasks_ms} ms`,
    );
  return lines.join("\n");
}

/** What a board moved until its first chart, by kind of file, and its largest requests. */
export function formatPhoneDetail(figures: PhoneFigure[]): string {
  const kind = (url: string) => {
    const p = url.split("?")[0]!;
    if (/_node\/vega|_import\/vendor\/vega/.test(p)) return "vega, vega-lite, vega-embed";
    if (/_node\/d3|_node\/(internmap|topojson|delaunator|robust)/.test(p)) return "d3 (vega's)";
    if (/vendor\/arquero/.test(p)) return "arquero";
    if (/_node\//.test(p)) return "other npm modules";
    if (/_observablehq\//.test(p)) return "Framework runtime";
    if (/_import\/components\//.test(p)) return "our components";
    if (/_file\/data\/shards\//.test(p)) return "shards";
    if (/_file\//.test(p)) return "data files";
    if (/\.css$/.test(p)) return "stylesheets";
    return "page";
  };
  const lines: string[] = [];
  for (const f of figures) {
    lines.push(`${f.board}: ${f.requests.length} requests until the first chart, ${mib(f.bytes)}`);
    const groups = new Map<string, { n: number; bytes: number; last: number }>();
    for (const r of f.requests) {
      const g = groups.get(kind(r.url)) ?? { n: 0, bytes: 0, last: 0 };
      groups.set(kind(r.url), { n: g.n + 1, bytes: g.bytes + r.bytes, last: Math.max(g.last, r.done_ms) });
    }
    for (const [k, g] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes))
      lines.push(`    ${k.padEnd(28)} ${String(g.n).padStart(3)} files ${String(Math.round(g.bytes / 1024)).padStart(6)} KiB, the last at ${g.last} ms`);
    lines.push("    largest:");
    for (const r of [...f.requests].sort((a, b) => b.bytes - a.bytes).slice(0, 8))
      lines.push(`      ${String(Math.round(r.bytes / 1024)).padStart(6)} KiB at ${String(r.done_ms).padStart(5)} ms  ${r.url}`);
  }
  return lines.join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { runs: { type: "string", default: "3" }, detail: { type: "boolean", default: false } },
  });
  const dist = path.resolve(positionals[0] ?? "dist");
  const figures = await phoneFirstContent(dist, Number(values.runs));
  console.log(formatPhoneFigures(figures));
  if (figures && values.detail) console.log(formatPhoneDetail(figures));
}
