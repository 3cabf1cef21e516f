/**
 * The chart boards on a mid-range phone: each board opened in a fresh browser context of Chromium at 390 x 844 px,
 * with the Chrome DevTools Protocol slowing the CPU down 4x and the network to 4 Mbps each way with 20 ms of
 * latency (Emulation.setCPUThrottlingRate, Network.emulateNetworkConditions). Timed in the page from the start of
 * navigation (performance.now(), the clock of the browser's own paint timings), to
 *   - first paint (the browser's first-contentful-paint: the page frame and sidebar),
 *   - first content: the board's title and its headline figures or table in the DOM (a selector per board below),
 *   - first chart: the board's first chart drawn (a `figure.chart[data-rendered="true"]`, see components/vl.js),
 * with the bytes the page moved over the network until each (on the browser's network clock), and the main thread's
 * long tasks (over 50 ms) until the first chart. The target is first content under 1.5 s; the first chart is
 * reported beside it, and so is the first chart as the driver times it, from its navigation call (which adds
 * starting the page's renderer in a fresh context: about 0.2-0.5 s more on this machine).
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
  /** the first chart per run timed by the driver, from its navigation call (includes starting the page's renderer) */
  first_chart_wall_ms: number[];
  /** bytes received until first content and until the first chart (median run of the first chart) */
  bytes_first_content: number;
  bytes: number;
  /** the main thread's tasks over 50 ms until the first chart (median run): how many, and their total ms */
  long_tasks: number;
  long_tasks_ms: number;
  /** those long tasks: [start, duration] in ms */
  long_task_list: Array<[number, number]>;
  /** every request until the first chart (median run) */
  requests: PhoneRequest[];
}

/**
 * The page's script: the main thread's long tasks, and when the first content (its element holds a digit:
 * Framework's placeholder is there from the start) and the first drawn chart appear, on performance.now().
 */
const MARKS_SCRIPT = (firstContent: string) => `
  const marks = { longTasks: [] };
  window.__phone = marks;
  new PerformanceObserver((list) => { for (const e of list.getEntries()) marks.longTasks.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: "longtask", buffered: true });
  new MutationObserver(() => {
    if (marks.content === undefined && /\\d/.test(document.querySelector(${JSON.stringify(firstContent)})?.textContent ?? "")) marks.content = performance.now();
    if (marks.chart === undefined && document.querySelector('figure.chart[data-rendered="true"]')) marks.chart = performance.now();
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Run {
  content: number;
  chart: number;
  wall: number;
  paint: number | null;
  bytesContent: number;
  bytes: number;
  longTasks: Array<[number, number]>;
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
        // in the page, from the start of navigation (performance.now(), the clock of the browser's own paint
        // timings): when the first content and the first chart appear, and the main thread's long tasks
        // (a script as text: a function would be serialised with the helpers tsx adds to it, unknown in the page)
        await context.addInitScript({ content: MARKS_SCRIPT(b.firstContent) });
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
        // each response's end on the browser's network clock, from the page's own request (the start of navigation)
        const urls = new Map<string, string>();
        const requests: PhoneRequest[] = [];
        let start: number | null = null;
        cdp.on("Network.requestWillBeSent", (e: { requestId: string; request: { url: string }; timestamp: number }) => {
          start ??= e.timestamp;
          urls.set(e.requestId, e.request.url);
        });
        cdp.on("Network.loadingFinished", (e: { requestId: string; encodedDataLength: number; timestamp: number }) => {
          requests.push({ url: urls.get(e.requestId) ?? "?", bytes: e.encodedDataLength, done_ms: Math.round((e.timestamp - (start ?? e.timestamp)) * 1000) });
        });
        const elsewhere: string[] = [];
        context.on("request", (r) => {
          if (new URL(r.url()).hostname !== "127.0.0.1" && !r.url().startsWith("data:")) elsewhere.push(r.url());
        });
        const t0 = Date.now();
        await page.goto(`${site.url}${b.path}`, { waitUntil: "commit" });
        await page.waitForFunction(() => (window as unknown as { __phone: { chart?: number } }).__phone.chart !== undefined, null, { timeout: 120_000, polling: 20 });
        const wall = Date.now() - t0;
        const { fcp, marks } = await page.evaluate(() => ({
          fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null,
          marks: (window as unknown as { __phone: { longTasks: Array<[number, number]>; content: number; chart: number } }).__phone,
        }));
        const content = Math.round(marks.content);
        const chart = Math.round(marks.chart);
        const longTasks = marks.longTasks.filter(([at]) => at <= chart);
        const bytesUntil = (ms: number) => requests.filter((r) => r.done_ms <= ms).reduce((a, r) => a + r.bytes, 0);
        const bytesContent = bytesUntil(content);
        const bytes = bytesUntil(chart);
        const shown = requests.filter((r) => r.done_ms <= chart);
        done.push({ content, chart, wall, paint: fcp === null ? null : Math.round(fcp), bytesContent, bytes, longTasks, requests: shown.map((r) => ({ ...r, url: r.url.replace(site.url, "/") })) });
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
        first_chart_wall_ms: done.map((r) => r.wall),
        bytes_first_content: mid.bytesContent,
        bytes: mid.bytes,
        long_tasks: mid.longTasks.length,
        long_tasks_ms: mid.longTasks.reduce((a, [, ms]) => a + ms, 0),
        long_task_list: mid.longTasks,
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
      `  ${f.board.padEnd(11)} first content median ${String(f.first_content_median_ms).padStart(5)} ms of ${f.first_content_ms.join(", ")} (${mib(f.bytes_first_content)}): target ${f.first_content_median_ms < TARGET_MS ? "met" : "missed"}; first chart median ${String(f.first_chart_median_ms).padStart(5)} ms of ${f.first_chart_ms.join(", ")} (${mib(f.bytes)}); first paint ${f.first_paint_median_ms ?? "?"} ms; first chart from the driver's call ${median(f.first_chart_wall_ms)} ms; ${f.long_tasks} long tasks, ${f.long_tasks_ms} ms`,
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
    lines.push(`    long tasks (start+duration, ms): ${f.long_task_list.map(([at, ms]) => `${at}+${ms}`).join(", ") || "none"}; first content at ${f.first_content_median_ms} ms`);
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
