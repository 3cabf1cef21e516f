/**
 * The chart boards on a mid-range phone: each board opened in a fresh browser context of Chromium at 390 x 844 px,
 * with the Chrome DevTools Protocol slowing the CPU down 4x and the network to 4 Mbps each way with 20 ms of
 * latency (Emulation.setCPUThrottlingRate, Network.emulateNetworkConditions). Measured from navigation to
 *   - first paint with content (the browser's first-contentful-paint: the page frame and sidebar), and
 *   - first content: the board's first chart drawn (a `figure.chart[data-rendered="true"]`, see components/vl.js),
 * and the bytes the page moved over the network until then. The target is first content under 1.5 s.
 */
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { serveDir } from "../pipelines/site/serve.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The boards with charts, by path. */
export const CHART_BOARDS = [
  { board: "overview", path: "" },
  { board: "leadership", path: "leadership" },
  { board: "hr", path: "hr" },
] as const;

export const PHONE = { cpuSlowdown: 4, mbps: 4, latencyMs: 20, width: 390, height: 844 } as const;

export interface PhoneFigure {
  board: string;
  /** first content (first chart drawn) per run, ms */
  first_content_ms: number[];
  first_content_median_ms: number;
  first_paint_median_ms: number | null;
  /** bytes received until the first chart (median run) */
  bytes: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

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
      const ms: number[] = [];
      const paints: number[] = [];
      const bytes: number[] = [];
      for (let i = 0; i < runs; i++) {
        const context = await browser.newContext({ viewport: { width: PHONE.width, height: PHONE.height }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
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
        cdp.on("Network.loadingFinished", (e: { encodedDataLength: number }) => {
          received += e.encodedDataLength;
        });
        const elsewhere: string[] = [];
        context.on("request", (r) => {
          if (new URL(r.url()).hostname !== "127.0.0.1" && !r.url().startsWith("data:")) elsewhere.push(r.url());
        });
        const t0 = Date.now();
        await page.goto(`${site.url}${b.path}`, { waitUntil: "commit" });
        await page.waitForSelector('figure.chart[data-rendered="true"]', { state: "attached", timeout: 120_000 });
        ms.push(Date.now() - t0);
        bytes.push(received);
        const fcp = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null);
        if (fcp !== null) paints.push(Math.round(fcp));
        await context.close();
        if (elsewhere.length) throw new Error(`the ${b.board} board requested another host: ${elsewhere.join(", ")}`);
      }
      const m = median(ms);
      figures.push({
        board: b.board,
        first_content_ms: ms,
        first_content_median_ms: m,
        first_paint_median_ms: paints.length ? median(paints) : null,
        bytes: bytes[ms.indexOf(m)]!,
      });
    }
  } finally {
    await browser.close();
    await site.close();
  }
  return figures;
}

export function formatPhoneFigures(figures: PhoneFigure[] | null): string {
  if (!figures) return `phone: not measured: no Chromium at ${CHROMIUM}`;
  const lines = [
    `phone (${PHONE.cpuSlowdown}x CPU slowdown, ${PHONE.mbps} Mbps, ${PHONE.latencyMs} ms latency, ${PHONE.width} px): first content = first chart drawn (target < 1.5 s)`,
  ];
  for (const f of figures)
    lines.push(
      `  ${f.board.padEnd(11)} first content median ${String(f.first_content_median_ms).padStart(5)} ms of ${f.first_content_ms.join(", ")}${f.first_content_median_ms < 1500 ? " ok" : " SLOW"}; first paint ${f.first_paint_median_ms ?? "?"} ms; ${(f.bytes / 1024 / 1024).toFixed(2)} MiB moved`,
    );
  return lines.join("\n");
}
