/**
 * End to end in a real browser: Debian's Chromium driven by playwright-core (no browser download), the built
 * demo site served on 127.0.0.1. Every request that is not to 127.0.0.1 is aborted and fails the test.
 * With CI=true the tests are mandatory; elsewhere, without Chromium, each test says why it did not run.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it, type TestContext } from "vitest";
import { Warehouse } from "../../core/db/warehouse.ts";
import { type RunningSite, serveDir } from "../../pipelines/site/serve.ts";
// @ts-expect-error: a browser module without types
import { gradeScale } from "../../src/components/colours.js";
// @ts-expect-error: a browser module without types
import { escapeCell } from "../../src/components/table.js";
import { appraisal } from "./setup.ts";

const site = inject("site");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const IN_CI = process.env.CI === "true" || process.env.CI === "1";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const WHY_NOT = `browser tests did not run: no Chromium at ${CHROMIUM} (install it with 'apt-get install -y chromium fonts-noto-cjk', or set CHROMIUM_PATH); in CI (CI=true) they are mandatory`;
if (!HAVE_CHROMIUM && !IN_CI) console.warn(`\n*** ${WHY_NOT} ***\n`);

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let browser: Browser | undefined;
let context: BrowserContext | undefined;
let served: RunningSite | undefined;
const external: string[] = [];

/** Without Chromium: fail in CI, say why elsewhere. */
function needBrowser(ctx: TestContext): void {
  if (HAVE_CHROMIUM) return;
  if (IN_CI) throw new Error(`Chromium is required in CI: ${WHY_NOT}`);
  ctx.skip(WHY_NOT);
}

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  served = await serveDir(site.dist, 0);
  // launch() makes a fresh temporary profile (--user-data-dir) for this run and deletes it on close
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  context = await browser.newContext({ acceptDownloads: true, locale: "zh-CN", viewport: { width: 1280, height: 900 } });
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === "127.0.0.1") return route.continue();
    external.push(url.href);
    return route.abort();
  });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await served?.close();
});

interface Opened {
  page: Page;
  problems: string[];
}

/** Open a board and wait until Framework has rendered it; collect console errors and failed requests. */
async function open(pathAndQuery: string, waitFor = "main h1", base = () => served!.url): Promise<Opened> {
  const page = await context!.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(new URL(pathAndQuery, base()).href, { waitUntil: "networkidle" });
  await page.waitForSelector(waitFor);
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>("[data-chart]")].every((c) => c.dataset.rendered === "true"));
  return { page, problems };
}

/** Per chart on the page: how many data marks (items of Vega's mark groups, not axes or legends) it drew. */
const markCounts = (page: Page) =>
  page.$$eval("[data-chart]", (els) => Object.fromEntries(els.map((e) => [(e as HTMLElement).dataset.chart, e.querySelectorAll("svg g.role-mark > *").length])));

const tableText = async (page: Page, name: string) => {
  await page.waitForSelector(`table[data-table="${name}"][data-complete="true"]`);
  return page.$eval(`table[data-table="${name}"]`, (t) => {
    const table = t as HTMLTableElement;
    return [[...table.tHead!.rows[0]!.cells].map((c) => c.textContent ?? ""), ...[...table.tBodies[0]!.rows].map((r) => [...r.cells].map((c) => c.textContent ?? ""))];
  });
};

const select = (page: Page, label: string) => page.locator("form", { has: page.locator("label", { hasText: label }) }).locator("select").first();

/** `simulationPeriods`: the board chooses among a simulation's periods (the scheme lab), not the published ones */
const BOARDS: Array<{ path: string; charts: string[]; tables: string[]; simulationPeriods?: boolean }> = [
  { path: "/", charts: ["grade-distribution"], tables: ["risers", "fallers"] },
  { path: "/leadership", charts: ["team-comparison", "indicator-heatmap", "against-targets", "team-grades", "department-trend"], tables: ["teams", "targets"] },
  { path: "/hr", charts: ["hr-trend"], tables: ["hr-slice"] },
  { path: "/rankings", charts: [], tables: ["rankings", "not-ranked"] },
  { path: "/agent?id=E1001", charts: ["agent-history", "agent-indicator-history"], tables: ["indicators-work_completion"] },
  { path: "/agent", charts: [], tables: [] },
  { path: "/appeals?period=2026-Q3", charts: ["appeals-by-state"], tables: ["before-after"] },
  { path: "/tracker", charts: [], tables: [] },
  { path: "/calibration", charts: [], tables: [] },
  { path: "/methodology", charts: ["weights", "workload-hours", "opinion"], tables: ["versions", "grades", "manifests", "workload", "opinion"] },
  { path: "/status", charts: ["source-rows"], tables: ["sources", "runs"] },
];

/** The management build's own boards (the rest are the staff build's, already checked there). */
const MANAGEMENT_BOARDS: typeof BOARDS = [
  { path: "/tracker?period=2026-Q3", charts: ["tracker-states"], tables: ["tracker"] },
  { path: "/calibration?period=2026-Q3", charts: ["team-distribution", "team-effect", "supervisor-gap"], tables: ["calibration", "rater-calibration"] },
  { path: `/agent?id=${site?.appeal.agent}&period=2026-Q3`, charts: ["agent-history", "agent-indicator-history"], tables: ["indicators-work_completion"] },
  { path: "/appeals?period=2026-Q3", charts: ["appeals-by-state"], tables: ["before-after", "appeals"] },
  {
    path: "/lab",
    charts: ["lab-weights", "lab-rank-shift", "lab-grades", "lab-teams", "lab-sensitivity", "lab-opinion"],
    tables: ["lab-weights", "lab-agreement", "lab-themes"],
    simulationPeriods: true,
  },
];

/** Resize the page and wait until every chart has been drawn again for the new width. */
async function resize(page: Page, width: number): Promise<void> {
  await page.$$eval("[data-chart]", (els) => {
    for (const e of els) e.setAttribute("data-stale", "");
  });
  await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
  await page.waitForFunction(() => document.querySelectorAll("[data-chart][data-stale]").length === 0, null, { timeout: 15_000 });
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>("[data-chart]")].every((c) => c.dataset.rendered === "true"));
  // the sticky columns' offsets follow a resize observer
  await page.waitForTimeout(100);
}

/** How wide the page is: more than the viewport means the reader scrolls the whole page sideways. */
const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/**
 * Cells of name, team, id and rank columns whose text takes more than one line; and their headers broken inside a
 * word (a header may break between its words: "Rank, 95% / interval", never "排/名").
 */
const wrappedCells = (page: Page) =>
  page.evaluate(() => {
    const bad: string[] = [];
    for (const cell of document.querySelectorAll<HTMLElement>(
      'table.board-table [data-kind="name"], table.board-table [data-kind="team"], table.board-table [data-kind="id"], table.board-table [data-kind="rank"]',
    )) {
      if (!cell.checkVisibility() || !cell.textContent?.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(cell);
      const tops = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0).map((r) => r.top).sort((a, b) => a - b);
      const lines = tops.filter((t, i) => i === 0 || t - tops[i - 1]! > 4).length;
      const allowed = cell.closest("thead") ? (cell.textContent ?? "").trim().split(/\s+/).length : 1;
      if (lines > allowed) bad.push(`${cell.closest("table")?.dataset.table} ${cell.dataset.key}: ${cell.textContent} (${lines} lines)`);
    }
    return bad.slice(0, 10);
  });

/**
 * Axis labels of a chart drawn over each other (a narrow chart with too many labels for its width): pairs of visible
 * labels of one axis that collide. Labels along the axis collide when their boxes intersect; labels turned by the same
 * angle (-45 degrees) are parallel lines of text, which collide when they lie closer than the font's height across.
 */
const overlappingAxisLabels = (page: Page) =>
  page.evaluate(() => {
    const bad: string[] = [];
    for (const fig of document.querySelectorAll<HTMLElement>("[data-chart]"))
      for (const axis of fig.querySelectorAll("svg g.role-axis")) {
        const labels = [...axis.querySelectorAll<SVGTextElement>("g.role-axis-label text")]
          .filter((t) => t.getAttribute("opacity") !== "0" && getComputedStyle(t).opacity !== "0" && t.textContent?.trim())
          .map((t) => {
            const m = t.getCTM()!;
            return { text: t.textContent!, box: t.getBoundingClientRect(), angle: Math.atan2(m.b, m.a), x: m.e, y: m.f, size: Number.parseFloat(getComputedStyle(t).fontSize) };
          });
        for (let i = 0; i < labels.length; i++)
          for (let j = i + 1; j < labels.length; j++) {
            const [a, b] = [labels[i]!, labels[j]!];
            let collide: boolean;
            if (Math.abs(a.angle) < 0.01) {
              const w = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
              const h = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
              collide = w > 1 && h > 1;
            } else collide = Math.abs((b.x - a.x) * -Math.sin(a.angle) + (b.y - a.y) * Math.cos(a.angle)) < a.size * 0.9;
            if (collide) bad.push(`${fig.dataset.chart}: "${a.text}" / "${b.text}"`);
          }
      }
    return bad.slice(0, 10);
  });

/** Charts without a text summary (what a screen reader reads, and what a printout keeps). */
const chartsWithoutSummary = (page: Page) =>
  page.$$eval("[data-chart]", (els) =>
    els.filter((e) => (e.querySelector("figcaption.chart-summary")?.textContent ?? "").trim().length < 10).map((e) => (e as HTMLElement).dataset.chart),
  );

/** Tables without a caption, a column header without scope="col", or a body row without a row header. */
const tablesWithoutCaptionOrScopes = (page: Page) =>
  page.$$eval("table.board-table", (tables) =>
    tables.flatMap((t) => {
      const table = t as HTMLTableElement;
      const name = table.dataset.table;
      const out: string[] = [];
      if (!table.caption?.textContent?.trim()) out.push(`${name}: no caption`);
      if ([...table.tHead!.querySelectorAll("th")].some((th) => th.getAttribute("scope") !== "col")) out.push(`${name}: a column header without scope`);
      for (const tr of table.tBodies[0]!.rows)
        if (!tr.classList.contains("details-row") && !tr.classList.contains("no-rows") && !tr.querySelector('th[scope="row"]')) out.push(`${name}: a row without a row header`);
      return out.slice(0, 3);
    }),
  );

/**
 * Latin-script words a reader of the Chinese board sees: every rendered text (SVG text of the charts included), the
 * options of the selectors, labels for assistive technology (aria-label, title, placeholder) and the page's title,
 * after revealing the technical columns and every disclosure. Allowed: names, ids and units (ALLOWED_LATIN), and
 * whatever sits in an element marked translate="no" (hashes, record ids, a raw manifest, metric ids, commands).
 */
const ALLOWED_LATIN = [
  /^E\d+$/, // agent ids
  /^[A-E]$/, // grade letters
  /^(SLA|CSV|UTC)$/, // units and formats
  /^Alt-[A-Z]$/, // a key on the keyboard (the menu's shortcut)
];
async function latinWords(page: Page): Promise<string[]> {
  await page.$$eval("button.technical-toggle[aria-expanded=false]", (bs) => {
    for (const b of bs) (b as HTMLButtonElement).click();
  });
  await page.$$eval("details:not([open])", (ds) => {
    for (const d of ds) (d as HTMLDetailsElement).open = true;
  });
  const texts = await page.evaluate(() => {
    const out: string[] = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('[translate="no"], script, style, noscript, option')) continue;
      if (!el.checkVisibility()) continue;
      out.push(n.textContent ?? "");
    }
    for (const el of document.querySelectorAll("[aria-label], [title], [placeholder]"))
      if (!el.closest('[translate="no"]')) for (const a of ["aria-label", "title", "placeholder"]) out.push(el.getAttribute(a) ?? "");
    for (const o of document.querySelectorAll("option")) out.push(o.textContent ?? "");
    // words a stylesheet writes (a callout's title in ::before) are text a reader sees too
    for (const el of document.body.querySelectorAll("*"))
      for (const pseudo of ["::before", "::after"]) {
        const c = getComputedStyle(el, pseudo).content;
        if (c && c !== "none" && c !== "normal" && c.startsWith('"')) out.push(c.slice(1, -1));
      }
    return out;
  });
  const words = new Set<string>();
  for (const text of texts)
    for (const w of text.replace(/\b\d{4}-(Q[1-4]|\d{2})\b/g, " ").match(/[A-Za-z][A-Za-z0-9_.-]*/g) ?? [])
      if (!ALLOWED_LATIN.some((re) => re.test(w))) words.add(`${w} (in "${text.trim().slice(0, 80)}")`);
  return [...words].slice(0, 20);
}

/** The builds the setup made: the staff build in Chinese and in English, the management build in Chinese. */
interface Build {
  name: string;
  lang: "zh-CN" | "en";
  base: () => string;
  boards: typeof BOARDS;
}
const servers: Record<string, RunningSite> = {};
const BUILDS: Build[] = [
  { name: "staff zh-CN", lang: "zh-CN", base: () => served!.url, boards: BOARDS },
  { name: "staff en", lang: "en", base: () => servers.en!.url, boards: BOARDS },
  { name: "management zh-CN", lang: "zh-CN", base: () => servers.management!.url, boards: MANAGEMENT_BOARDS },
];

describe("every board at 1400 and 390 px, in Chinese and in English", () => {
  beforeAll(async () => {
    if (!HAVE_CHROMIUM) return;
    servers.en = await serveDir(site.distEn, 0);
    servers.management = await serveDir(site.distManagement, 0);
  });
  afterAll(async () => {
    await servers.en?.close();
    await servers.management?.close();
  });

  // one page load per board and build: checked at 1400 px, then resized to 390 px (the charts redraw for the width)
  // and checked again
  it.for(BUILDS.flatMap((build) => build.boards.map((board) => ({ build, board, label: `${build.name} ${board.path}` }))))(
    "$label: renders, fits at 1400 and 390 px, every chart has a summary and readable axis labels, every table a caption",
    async ({ build, board }, ctx) => {
      needBrowser(ctx);
      const { page, problems } = await open(board.path, "main h1", build.base);
      try {
        for (const width of [1400, 390]) {
          if (width !== 1400) await resize(page, width);
          const marks = await markCounts(page);
          expect(Object.keys(marks).sort(), `charts at ${width}`).toEqual([...board.charts].sort());
          for (const [chart, n] of Object.entries(marks)) expect(n, `marks in chart ${chart} at ${width}`).toBeGreaterThan(0);
          for (const t of board.tables) expect(await page.locator(`table[data-table="${t}"]`).count(), `table ${t}`).toBe(1);
          // the period selector is on every board (the scheme lab's periods are the simulation's)
          if (!board.simulationPeriods) expect(await page.locator(".period-select select").count()).toBe(1);
          expect(await pageWidth(page), `page width at ${width}`).toBeLessThanOrEqual(width);
          expect(await wrappedCells(page), `cells of names, teams, ids and ranks on more than one line at ${width}`).toEqual([]);
          expect(await chartsWithoutSummary(page)).toEqual([]);
          expect(await overlappingAxisLabels(page), `axis labels drawn over each other at ${width}`).toEqual([]);
          expect(await tablesWithoutCaptionOrScopes(page)).toEqual([]);
          if (build.lang === "zh-CN") expect(await latinWords(page), `Latin-script words on the Chinese board at ${width}`).toEqual([]);
        }
        expect(await page.getAttribute("html", "lang")).toBe(build.lang);
        expect(problems).toEqual([]);
        expect(external).toEqual([]);
      } finally {
        await page.close();
      }
    },
  );
});

describe("the boards in Chromium", () => {
  it("rankings: the team filter and the period are in the URL; Back returns to the previous period; search and sort", async (ctx) => {
    needBrowser(ctx);
    const { page, problems } = await open("/rankings?period=2026-Q3", 'table[data-table="rankings"]');
    try {
      const before = await tableText(page, "rankings");
      const teamCol = before[0]!.indexOf("团队");
      const teams = [...new Set(before.slice(1).map((r) => r[teamCol]!))].sort();
      expect(teams.length).toBeGreaterThan(1);
      await select(page, "团队").selectOption({ label: teams[0]! });
      await page.waitForFunction((n) => document.querySelector('table[data-table="rankings"]')?.getAttribute("data-rows") !== n, String(before.length - 1));
      const after = await tableText(page, "rankings");
      expect(after.length).toBeLessThan(before.length);
      expect(after.slice(1).every((r) => r[teamCol] === teams[0])).toBe(true);
      expect(new URL(page.url()).searchParams.get("team")).toBe(teams[0]);
      // another period (published too): other rows, the team kept, and the URL carries it for the next board
      const period = select(page, "考核期");
      const label = (await period.locator("option").allTextContents()).find((o) => o.startsWith("2026-Q2 "));
      await period.selectOption({ label: label! });
      await page.waitForFunction(() => location.search.includes("period=2026-Q2"));
      await page.waitForFunction((old) => JSON.stringify([...document.querySelectorAll('table[data-table="rankings"] td')].map((td) => td.textContent)) !== old,
        JSON.stringify(after.slice(1).flat()));
      const q2 = await tableText(page, "rankings");
      expect(q2.length).toBeGreaterThan(1);
      expect(q2.slice(1).every((r) => r[teamCol] === teams[0])).toBe(true);
      expect(await page.locator('#observablehq-sidebar a[href*="period=2026-Q2"]').count()).toBeGreaterThan(3);
      // Back: the previous period again, in the selector, the URL and the table
      await page.goBack();
      await page.waitForFunction(() => new URLSearchParams(location.search).get("period") === "2026-Q3");
      await page.waitForFunction(() => (document.querySelector(".period-select select") as HTMLSelectElement).selectedOptions[0]?.textContent?.startsWith("2026-Q3 "));
      await page.waitForFunction((rows) => document.querySelector('table[data-table="rankings"]')?.getAttribute("data-rows") === rows, String(after.length - 1));
      expect(await tableText(page, "rankings")).toEqual(after);
      // Back again: all teams
      await page.goBack();
      await page.waitForFunction((n) => document.querySelector('table[data-table="rankings"]')?.getAttribute("data-rows") === n, String(before.length - 1));
      // "find me": a search by id keeps only that agent, in the URL too
      const someone = before[1]![before[0]!.indexOf("工号")]!;
      await page.locator('input[type="search"]').fill(someone);
      await page.waitForFunction(() => document.querySelector('table[data-table="rankings"]')?.getAttribute("data-rows") === "1");
      expect(new URL(page.url()).searchParams.get("q")).toBe(someone);
      await page.locator('input[type="search"]').fill("");
      await page.waitForFunction((n) => document.querySelector('table[data-table="rankings"]')?.getAttribute("data-rows") === n, String(before.length - 1));
      // sorting by a header: the lowest composite first, then the highest; aria-sort says which
      const compositeCol = before[0]!.indexOf("综合得分");
      const header = page.locator('table[data-table="rankings"] th[data-key="composite"] button');
      await header.click();
      const desc = (await tableText(page, "rankings")).slice(1).map((r) => Number(r[compositeCol]));
      await header.click();
      const asc = (await tableText(page, "rankings")).slice(1).map((r) => Number(r[compositeCol]));
      expect(desc).toEqual([...desc].sort((a, b) => b - a));
      expect(asc).toEqual([...asc].sort((a, b) => a - b));
      expect(await page.getAttribute('table[data-table="rankings"] th[data-key="composite"]', "aria-sort")).toBe("ascending");
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("rankings on a phone: rank, name, score and grade, the rest one tap away", async (ctx) => {
    needBrowser(ctx);
    const { page, problems } = await open("/rankings?period=2026-Q3", 'table[data-table="rankings"]');
    try {
      await resize(page, 390);
      const visible = await page.$$eval('table[data-table="rankings"] thead th', (ths) =>
        ths.filter((th) => (th as HTMLElement).checkVisibility() && (th as HTMLElement).dataset.key).map((th) => (th as HTMLElement).dataset.key),
      );
      expect(visible).toEqual(["department_rank", "display_name", "composite", "grade"]);
      const first = page.locator('table[data-table="rankings"] tbody tr').first();
      await first.locator("button.details-toggle").click();
      const details = page.locator('table[data-table="rankings"] tr.details-row').first();
      expect(await details.isVisible()).toBe(true);
      expect(await details.textContent()).toContain("团队");
      expect(await first.locator("button.details-toggle").getAttribute("aria-expanded")).toBe("true");
      // the table scrolls in its own box, never the page
      expect(await pageWidth(page)).toBeLessThanOrEqual(390);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("HR trends: a filter changes the table, and the CSV download is exactly the table", async (ctx) => {
    needBrowser(ctx);
    const { page, problems } = await open("/hr", 'table[data-table="hr-slice"]');
    try {
      const before = await tableText(page, "hr-slice");
      await select(page, "分组对比").count(); // the radio group exists
      const teamSelect = select(page, "团队");
      const options = await teamSelect.locator("option").allTextContents();
      await teamSelect.selectOption({ label: options[1]! });
      await page.waitForFunction((old) => JSON.stringify([...document.querySelectorAll('table[data-table="hr-slice"] td')].map((td) => td.textContent)) !== old,
        JSON.stringify(before.slice(1).flat()));
      const shown = await tableText(page, "hr-slice");
      expect(shown).not.toEqual(before);
      expect(shown.length).toBeGreaterThan(1);
      const [download] = await Promise.all([page.waitForEvent("download"), page.locator("button.csv-download").click()]);
      const file = await download.path();
      const text = readFileSync(file, "utf8");
      expect(text.startsWith("\ufeff")).toBe(true);
      const csv = parse(text.slice(1), { relax_column_count: false }) as string[][];
      expect(csv).toEqual(shown.map((row) => row.map((cell) => escapeCell(cell))));
      expect(download.suggestedFilename()).toMatch(/^hr-composite-.*\.csv$/);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("HR trends: the first view loads the composite's cells only; a chosen indicator's file comes when chosen, and its table and CSV are hr_cells' slice", async (ctx) => {
    needBrowser(ctx);
    const { page, problems } = await open("/hr", 'table[data-table="hr-slice"]');
    const hrFiles = () => page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name).filter((u) => u.includes("/shards/hr/")).map((u) => u.replace(/^.*\/shards\/hr\//, "")));
    try {
      expect(await hrFiles()).toEqual(["composite.json"]);
      const before = await tableText(page, "hr-slice");
      const indicatorSelect = select(page, "指标");
      const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes("/shards/hr/")), indicatorSelect.selectOption({ index: 1 })]);
      const indicator = response.url().replace(/^.*\/shards\/hr\/(.*)\.json$/, "$1");
      expect(indicator).not.toBe("composite");
      const later: string[] = [];
      page.on("request", (r) => later.push(r.url()));
      // (while the file is on its way the table is gone: wait for the new one)
      await page.waitForFunction((old) => {
        const rows = [...document.querySelectorAll('table[data-table="hr-slice"][data-complete="true"] tbody tr')];
        const cells = rows.flatMap((r) => [...(r as HTMLTableRowElement).cells].map((c) => c.textContent));
        return cells.length > 0 && JSON.stringify(cells) !== old;
      }, JSON.stringify(before.slice(1).flat()));
      expect(new URL(page.url()).searchParams.get("indicator")).toBe(indicator);
      const shown = await tableText(page, "hr-slice");
      expect(shown[0]).toEqual(["季度", "团队", "人数", "平均得分", "平均值"]);
      // the same slice computed from the published table itself (the default view: every team, grade and tenure band,
      // compared by team, up to the current quarter)
      const upTo = JSON.parse(readFileSync(path.join(site.snapshot, "manifest.json"), "utf8")).current_period.period as string;
      const wh = await Warehouse.open(site.warehouse, { timezone: "Asia/Shanghai", readOnly: true });
      let expected: Array<{ period: string; team: string; agents: number; mean_score: number | null; mean_value: number | null }>;
      try {
        expected = await wh.all(
          `SELECT period, team, sum(agents)::INTEGER AS agents, sum(sum_score) / nullif(sum(n_score), 0) AS mean_score, sum(sum_value) / nullif(sum(n_value), 0) AS mean_value
           FROM read_parquet('${path.join(site.snapshot, "tables", "hr_cells.parquet")}')
           WHERE indicator_id = $indicator AND period <= $upTo GROUP BY ALL ORDER BY period, team`,
          { indicator, upTo },
        );
      } finally {
        wh.close();
      }
      expect(expected.length).toBeGreaterThan(3);
      expect(shown.slice(1).map((r) => [r[0], r[1], Number(r[2])])).toEqual(expected.map((e) => [e.period, e.team, e.agents]));
      shown.slice(1).forEach((r, i) => {
        const e = expected[i]!;
        for (const [cell, value, tolerance] of [[r[3], e.mean_score, 0.05], [r[4], e.mean_value, 0.0005]] as const)
          if (value === null) expect(cell).toBe("-");
          else expect(Math.abs(Number(cell) - value), `${e.period} ${e.team}`).toBeLessThanOrEqual(tolerance + 1e-9);
      });
      // and the CSV is that table
      const [download] = await Promise.all([page.waitForEvent("download"), page.locator("button.csv-download").click()]);
      const csv = parse(readFileSync(await download.path(), "utf8").slice(1), { relax_column_count: false }) as string[][];
      expect(csv).toEqual(shown.map((row) => row.map((cell) => escapeCell(cell))));
      expect(download.suggestedFilename()).toBe(`hr-${indicator}-all-all-all-to-${upTo}.csv`);
      // back to the composite: no new request
      await indicatorSelect.selectOption({ index: 0 });
      await page.waitForFunction((old) => {
        const rows = [...document.querySelectorAll('table[data-table="hr-slice"][data-complete="true"] tbody tr')];
        return JSON.stringify(rows.flatMap((r) => [...(r as HTMLTableRowElement).cells].map((c) => c.textContent))) === old;
      }, JSON.stringify(before.slice(1).flat()));
      expect(later.filter((u) => u.includes("/shards/"))).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("the agent page shows the numbers `appraisal explain --json` prints", async (ctx) => {
    needBrowser(ctx);
    const planted = JSON.parse(readFileSync(path.join(site.demo, "manifest.json"), "utf8")).planted;
    const agent: string = planted.declining;
    const period = "2026-Q3";
    const e = JSON.parse(appraisal(["explain", "--agent", agent, "--period", period, "--json"], site.config));
    const { page, problems } = await open(`/agent?id=${agent}&period=${period}`, `[data-agent="${agent}"]`);
    try {
      const value = (name: string) => page.locator(`[data-value="${name}"]`).first().textContent();
      expect(await value("composite")).toBe(fmt(e.result.composite, 1));
      expect(await value("grade")).toBe(e.result.grade);
      expect(e.result.ranked).toBe(true);
      expect(await value("rank")).toBe(String(e.result.department_rank));
      expect(await value("ranked")).toBe(String(e.result.department_ranked));
      expect(await value("percentile")).toBe((100 * e.result.percentile).toFixed(1));
      expect(await value("team-rank")).toBe(String(e.result.team_rank));
      for (const d of e.dimensions)
        expect(await page.locator(`h3[data-dimension="${d.dimension_id}"] [data-value="dimension-score"]`).textContent(), d.dimension_id).toBe(fmt(d.score, 1));
      expect(e.indicators.length).toBeGreaterThan(5);
      for (const i of e.indicators) {
        const row = page.locator(`tr[data-indicator="${i.indicator_id}"]`);
        const cell = (key: string) => row.locator(`td[data-key="${key}"]`).textContent();
        expect(await row.count(), i.indicator_id).toBe(1);
        expect(await cell("score"), `${i.indicator_id} score`).toMatch(new RegExp(`^${esc(i.score === null ? "缺失" : fmt(i.score, 1))}`));
        expect(await cell("weight"), `${i.indicator_id} weight`).toBe(fmt(i.weight));
        expect(await cell("effective_weight"), `${i.indicator_id} effective weight`).toBe(fmt(i.effective_weight));
        expect(await cell("contribution"), `${i.indicator_id} contribution`).toBe(fmt(i.contribution));
        expect(await cell("used_value"), `${i.indicator_id} value used`).toMatch(new RegExp(`^${esc(fmt(i.used_value, 3))}`));
        // the Chinese board says it in Chinese: the same numbers (a proportion names the denominator first)
        const numbers = (text: string | null) => (text ?? "").match(/\d+(\.\d+)?%?/g)?.sort() ?? [];
        expect(numbers(await cell("inputs")), `${i.indicator_id} inputs: ${i.inputs}`).toEqual(numbers(i.inputs));
      }
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("the agent page adds the points up to the composite in words, explains the adjustment and the 360 groups, keeps the technical columns behind a button", async (ctx) => {
    needBrowser(ctx);
    const agent = site.appeal.agent;
    const e = JSON.parse(appraisal(["explain", "--agent", agent, "--period", "2026-Q3", "--json"], site.config));
    const { page, problems } = await open(`/agent?id=${agent}&period=2026-Q3`, '[data-value="sum-sentence"]');
    try {
      // "37.9 = 解决工单数 9.0 + ...": one part per scored indicator, adding up to the composite (each part rounded)
      const sum = page.locator('[data-value="sum-sentence"]');
      expect(await sum.locator('[data-part="composite"]').textContent()).toBe(fmt(e.result.composite, 1));
      const parts = await sum.locator("[data-part]:not([data-part=composite])").allTextContents();
      const scored = e.indicators.filter((i: { contribution: number | null }) => i.contribution !== null);
      expect(parts).toHaveLength(scored.length);
      const points = parts.map((t) => Number(t.match(/(\d+\.\d)$/)?.[1]));
      expect(Math.abs(points.reduce((a, b) => a + b, 0) - e.result.composite)).toBeLessThan(0.05 * parts.length + 1e-9);
      for (const i of scored) expect(parts.join(" "), i.indicator_id).toContain(i.contribution.toFixed(1));
      // the indicator names, never a metric id, in the plain columns; the technical ones hidden until asked for
      expect(await sum.textContent()).not.toMatch(/[a-z]_[a-z]/);
      const weight = page.locator('td[data-key="weight"]').first();
      expect(await weight.isVisible()).toBe(false);
      await page.locator("button.technical-toggle").first().click();
      expect(await weight.isVisible()).toBe(true);
      // what "adjusted for few responses" means, where a value was adjusted
      const adjusted = e.indicators.filter((i: { used_value: number | null; raw_value: number | null }) => i.used_value !== null && i.raw_value !== null && Math.abs(i.used_value - i.raw_value) > 1e-12);
      if (adjusted.length) {
        expect(await page.locator('[data-value="adjusted-note"]').count()).toBe(1);
        expect(await page.locator(`tr[data-indicator="${adjusted[0].indicator_id}"] td[data-key="adjusted"]`).textContent()).toContain("→");
      }
      // the 360 groups: why self and supervisor appear with one rater
      expect(await page.locator('[data-value="r360-note"]').textContent()).toContain("自评与上级");
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("the agent page shows the appeal window, how to appeal, the agent's own appeals and the acknowledgement", async (ctx) => {
    needBrowser(ctx);
    const agent = site.appeal.agent;
    const periods = JSON.parse(readFileSync(path.join(site.snapshot, "site", "periods.json"), "utf8"));
    const q3 = periods.rows.map((r: unknown[]) => Object.fromEntries(periods.columns.map((c: string, i: number) => [c, r[i]]))).find((p: { period: string }) => p.period === "2026-Q3");
    const { page, problems } = await open(`/agent?id=${agent}&period=2026-Q3`, '[data-card="appeal"]');
    try {
      const card = page.locator('[data-card="appeal"]');
      expect(await card.getAttribute("data-state")).toBe("provisional");
      expect(await card.locator('[data-value="appeal-window"]').textContent()).toContain(q3.appeal_deadline);
      expect(await card.locator('[data-value="how-to-appeal"]').textContent()).toContain(site.appealContact);
      expect(await card.locator('li[data-appeal-state="accepted"]').textContent()).toContain("已受理");
      expect(await card.locator('[data-value="acknowledgement"]').getAttribute("data-acknowledged")).toBe("no");
      // the final quarter: closed, and acknowledged by this agent
      await select(page, "考核期").selectOption({ label: (await select(page, "考核期").locator("option").allTextContents()).find((o) => o.startsWith(`${site.final.period} `))! });
      await page.waitForFunction(() => document.querySelector('[data-card="appeal"]')?.getAttribute("data-state") === "final");
      expect(await card.locator('[data-value="acknowledgement"]').getAttribute("data-acknowledged")).toBe(site.final.acknowledgedBy === agent ? "yes" : "no");
      expect(await card.locator('[data-value="how-to-appeal"]').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("an unranked new hire gets no grade, and the reason in words (management build, the month they joined)", async (ctx) => {
    needBrowser(ctx);
    const newHire: string = JSON.parse(readFileSync(path.join(site.demo, "manifest.json"), "utf8")).planted.newHire;
    const management = await serveDir(site.distManagement, 0);
    const { page, problems } = await open(`/agent?id=${newHire}&period=2026-10`, `[data-agent="${newHire}"]`, () => management.url);
    try {
      expect(await page.locator('[data-value="grade"]').count()).toBe(0);
      expect(await page.locator('[data-value="no-grade"]').textContent()).toBe("无等级（未排名）");
      expect(await page.locator('[data-value="not-ranked-reason"]').textContent()).toMatch(/^本期解决工单 \d+ 张，每月至少 \d+ 张才参与排名$/);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await management.close();
    }
  });

  it("an unknown agent id says so, without a failed request", async (ctx) => {
    needBrowser(ctx);
    const { page, problems } = await open("/agent?id=NOBODY", '[data-state="unknown-agent"]');
    try {
      expect(await page.locator('[data-state="unknown-agent"]').textContent()).toContain("NOBODY");
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe("publication, appeals and the tracker", () => {
  let management: RunningSite | undefined;
  beforeAll(async () => {
    if (HAVE_CHROMIUM) management = await serveDir(site.distManagement, 0);
  });
  afterAll(async () => {
    await management?.close();
  });

  it("staff: the appeals board shows counts, states and before/after, but no reasons; the tracker is not there", async (ctx) => {
    needBrowser(ctx);
    const { page, problems } = await open(`/appeals?period=${site.appeal.period}`, 'table[data-table="before-after"]');
    try {
      expect(await page.locator('[data-value="appeals"]').textContent()).toBe("1");
      expect(await page.locator('[data-value="revision"]').textContent()).toBe("2");
      const changed = await tableText(page, "before-after");
      expect(changed.slice(1).map((r) => r[1])).toContain(site.appeal.agent);
      expect(await page.locator('table[data-table="appeals"]').count()).toBe(0);
      expect(await page.content()).not.toContain(site.appeal.reason);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
    const t = await open("/tracker", '[data-state="management-only"]');
    try {
      expect(t.problems).toEqual([]);
    } finally {
      await t.page.close();
    }
  });

  it("management: appeals with reasons and evidence, the tracker, and an agent's rule state", async (ctx) => {
    needBrowser(ctx);
    const base = () => management!.url;
    const a = await open(`/appeals?period=${site.appeal.period}`, 'table[data-table="appeals"]', base);
    try {
      const rows = await tableText(a.page, "appeals");
      expect(rows[1]).toEqual(expect.arrayContaining([site.appeal.agent, site.appeal.reason, site.appeal.evidence, site.appeal.decision]));
      expect(a.problems).toEqual([]);
    } finally {
      await a.page.close();
    }
    const t = await open("/tracker?period=2026-Q3", 'table[data-table="tracker"]', base);
    try {
      expect((await markCounts(t.page))["tracker-states"]).toBeGreaterThan(0);
      const planted = JSON.parse(readFileSync(path.join(site.demo, "manifest.json"), "utf8")).planted;
      const rows = await tableText(t.page, "tracker");
      const [idCol, stateCol] = [rows[0]!.indexOf("工号"), rows[0]!.indexOf("状态")];
      expect(rows.find((r) => r[idCol] === planted.declining)?.[stateCol]).toBe("预警"); // warning, on the Chinese board
      // the most severe first: review before warning before watch
      const order = ["待评审", "预警", "观察", "已恢复", "不计入"];
      // a review awaiting the committee's decision says so after its state: 待评审（尚未决定）
      const states = rows.slice(1).map((r) => order.indexOf(r[stateCol]!.replace(/（尚未决定）$/, "")));
      expect(states).not.toContain(-1);
      expect(states).toEqual([...states].sort((a, b) => a - b));
      expect(t.problems).toEqual([]);
      const g = await open(`/agent?id=${planted.declining}&period=2026-Q3`, '[data-card="tracker"]', base);
      try {
        expect(await g.page.locator('[data-value="tracker-state"]').textContent()).toBe("预警");
        expect(await g.page.locator('[data-card="incentives"] [data-value="bonus"]').count()).toBe(1);
        expect(g.problems).toEqual([]);
      } finally {
        await g.page.close();
      }
    } finally {
      await t.page.close();
    }
  });
});

describe("fairness and proof on the boards", () => {
  let management: RunningSite | undefined;
  beforeAll(async () => {
    if (HAVE_CHROMIUM) management = await serveDir(site.distManagement, 0);
  });
  afterAll(async () => {
    await management?.close();
  });

  it("rankings show each rank's 95% interval; the methodology shows the published manifests", async (ctx) => {
    needBrowser(ctx);
    const r = await open("/rankings?period=2026-Q3", 'table[data-table="rankings"]');
    try {
      const rows = await tableText(r.page, "rankings");
      const col = rows[0]!.indexOf("排名 95% 区间");
      expect(col).toBeGreaterThan(0);
      expect(rows.slice(1).every((row) => /^\d+–\d+$/.test(row[col]!))).toBe(true);
      expect(r.problems).toEqual([]);
    } finally {
      await r.page.close();
    }
    const m = await open("/methodology", 'table[data-table="manifests"]');
    try {
      const rows = await tableText(m.page, "manifests");
      expect(rows.slice(1).map((row) => [row[0], row[1]])).toEqual([
        ["2026-Q2", "1"],
        ["2026-Q2", "2"],
        ["2026-Q3", "1"],
        ["2026-Q3", "2"],
      ]);
      expect(m.problems).toEqual([]);
    } finally {
      await m.page.close();
    }
  });

  it("management: calibration shows each team's distribution and effect, and the lenient supervisor", async (ctx) => {
    needBrowser(ctx);
    const c = await open("/calibration?period=2026-Q3", 'table[data-table="rater-calibration"]', () => management!.url);
    try {
      const marks = await markCounts(c.page);
      expect(marks["team-distribution"]).toBeGreaterThan(0);
      expect(marks["team-effect"]).toBeGreaterThan(0);
      expect(marks["supervisor-gap"]).toBeGreaterThan(0);
      // the measures go by the scheme's names, the composite first
      const options = await c.page.$$eval("form select", (ss) => ss.map((s) => [...(s as HTMLSelectElement).options].map((o) => o.text)));
      const measureOptions = options.find((o) => o.some((t) => t.includes(" · ") && !/\d{4}/.test(t)))!;
      expect(measureOptions[0]).toMatch(/^(Composite|综合得分)$/);
      expect(measureOptions.every((t) => !t.includes(":"))).toBe(true);
      const verdicts = await c.page.$$eval('table[data-table="rater-calibration"] tr[data-calibration]', (trs) => trs.map((t) => (t as HTMLElement).dataset.calibration));
      expect(verdicts).toContain("lenient");
      expect(c.problems).toEqual([]);
    } finally {
      await c.page.close();
    }
  });

  it("management: an agent's page lists the records behind the indicators of a published period; staff sees counts only", async (ctx) => {
    needBrowser(ctx);
    const path_ = `/agent?id=${site.appeal.agent}&period=${site.appeal.period}`;
    const g = await open(path_, "details[data-input-set]", () => management!.url);
    try {
      expect(await g.page.locator('details[data-input-set="resolved"] .ids').textContent()).toMatch(/^TK-\d+( TK-\d+)+$/);
      expect(g.problems).toEqual([]);
    } finally {
      await g.page.close();
    }
    const s = await open(path_, `[data-agent="${site.appeal.agent}"]`);
    try {
      expect(await s.page.locator("details[data-input-set]").count()).toBe(0);
      expect(await s.page.locator('td[data-key="input_count"]').first().textContent()).toMatch(/^\d+$/);
      expect(s.problems).toEqual([]);
    } finally {
      await s.page.close();
    }
  });
});

/** As `appraisal explain` formats a number: integers as they are, others with `digits` decimals. */
function fmt(x: number | null, digits = 2): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "-";
  return Number.isInteger(x) ? String(x) : x.toFixed(digits);
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("states, the named-data rule, colours, printing and the keyboard", () => {
  let en: RunningSite | undefined;
  let management: RunningSite | undefined;
  beforeAll(async () => {
    if (!HAVE_CHROMIUM) return;
    en = await serveDir(site.distEn, 0);
    management = await serveDir(site.distManagement, 0);
  });
  afterAll(async () => {
    await en?.close();
    await management?.close();
  });

  it("three publication chips: not published, provisional with its deadline, final", async (ctx) => {
    needBrowser(ctx);
    const { page, problems } = await open(`/?period=${site.final.period}`, ".card .chip");
    try {
      const chip = async () => {
        const c = page.locator(".card .chip").first();
        return { state: await c.getAttribute("data-state"), text: (await c.textContent())!, bg: await c.evaluate((e) => getComputedStyle(e).backgroundColor) };
      };
      const final = await chip();
      for (const [period, state] of [["2026-Q3", "provisional"], ["2026-09", "open"]] as const) {
        const label = (await select(page, "考核期").locator("option").allTextContents()).find((o) => o.startsWith(`${period} `))!;
        await select(page, "考核期").selectOption({ label });
        await page.waitForFunction((s) => document.querySelector(".card .chip")?.getAttribute("data-state") === s, state);
      }
      const open_ = await chip();
      await page.goBack();
      await page.waitForFunction(() => document.querySelector(".card .chip")?.getAttribute("data-state") === "provisional");
      const provisional = await chip();
      expect([final.state, provisional.state, open_.state]).toEqual(["final", "provisional", "open"]);
      expect(new Set([final.bg, provisional.bg, open_.bg]).size).toBe(3);
      expect(new Set([final.text, provisional.text, open_.text]).size).toBe(3);
      expect(provisional.text).toMatch(/申诉截止 \d{4}-\d{2}-\d{2}/);
      expect(open_.text).toContain("未公示");
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("an unknown ?period= is said so on the page, and the board shows the current period", async (ctx) => {
    needBrowser(ctx);
    const { page, problems } = await open("/leadership?period=2099-Q1", '[data-state="unknown-period"]');
    try {
      expect(await page.locator('[data-state="unknown-period"]').textContent()).toContain("2099-Q1");
      expect(await page.locator(".period-select select option:checked").textContent()).toMatch(/^2026-Q3 /);
      expect(new URL(page.url()).searchParams.get("period")).toBe("2026-Q3");
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("named data: the staff build names nobody in a period before publication; the management build does", async (ctx) => {
    needBrowser(ctx);
    const requests: string[] = [];
    const s = await open("/rankings?period=2026-09", '[data-state="named-after-publication"]');
    s.page.on("request", (r) => requests.push(r.url()));
    try {
      expect(await s.page.locator('table[data-table="rankings"]').count()).toBe(0);
      for (const path_ of ["/?period=2026-09", `/agent?id=${site.appeal.agent}&period=2026-09`]) {
        await s.page.goto(new URL(path_, served!.url).href, { waitUntil: "networkidle" });
        await s.page.waitForSelector('[data-state="named-after-publication"]');
        expect(await s.page.locator('table[data-table="risers"], table[data-table="fallers"], [data-agent]').count(), path_).toBe(0);
      }
      // no request for a period's or an agent's results that the build does not hold
      expect(requests.filter((u) => u.includes("shards/rankings/2026-09"))).toEqual([]);
      expect(s.problems).toEqual([]);
    } finally {
      await s.page.close();
    }
    const m = await open("/rankings?period=2026-09", 'table[data-table="rankings"]', () => management!.url);
    try {
      expect(Number(await m.page.getAttribute('table[data-table="rankings"]', "data-rows"))).toBeGreaterThan(10);
      expect(await m.page.locator(".chip").first().getAttribute("data-state")).toBe("open");
      expect(m.problems).toEqual([]);
    } finally {
      await m.page.close();
    }
  });

  it("HR trends: a slice with nobody in it says so, with no empty chart and no download", async (ctx) => {
    needBrowser(ctx);
    // a team, grade and tenure band with no ranked agent in any quarter, found in the published cells
    const { cells } = JSON.parse(readFileSync(path.join(site.snapshot, "shards", "hr", "composite.json"), "utf8"));
    const col = (c: string) => cells.columns.indexOf(c);
    const rows = cells.rows;
    const have = new Set(rows.map((r: unknown[]) => `${r[col("team")]}|${r[col("grade")]}|${r[col("tenure_band")]}`));
    const teams: string[] = [...new Set<string>(rows.map((r: unknown[]) => r[col("team")] as string))];
    const empty: string[] = teams.flatMap((t) => ["A", "B", "C", "D", "E"].flatMap((g) => ["0-1y", "1-3y", "3-5y", "5y+"].map((b) => [t, g, b]))).find((x) => !have.has(x.join("|")))!;
    expect(empty).toBeTruthy();
    const q = new URLSearchParams({ team: empty[0]!, grade: empty[1]!, tenure: empty[2]! });
    const { page, problems } = await open(`/hr?${q}`, '[data-state="empty-slice"]');
    try {
      expect(await page.locator('[data-chart="hr-trend"]').count()).toBe(0);
      const button = page.locator("button.csv-download");
      expect(await button.isDisabled()).toBe(true);
      expect(await button.textContent()).toBe("没有可下载的数据。");
      // the filters came from the URL
      expect(await select(page, "团队").locator("option:checked").textContent()).toBe(empty[0]);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("data status: the chosen period's section follows the selector, and the data's last day is the overview's", async (ctx) => {
    needBrowser(ctx);
    const o = await open("/", '[data-value="data-up-to"]');
    const upTo = await o.page.locator('[data-value="data-up-to"]').textContent();
    await o.page.close();
    const { page, problems } = await open("/status?period=2026-Q3", '[data-section="period"]');
    try {
      expect(await page.locator('[data-value="data-up-to"]').textContent()).toBe(upTo);
      expect(upTo).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const before = await page.locator('[data-section="period"]').textContent();
      const label = (await select(page, "考核期").locator("option").allTextContents()).find((x) => x.startsWith("2026-09 "))!;
      await select(page, "考核期").selectOption({ label });
      await page.waitForFunction((b) => document.querySelector('[data-section="period"]')?.textContent !== b, before);
      expect(await page.locator('[data-section="period"]').textContent()).toContain("2026-09");
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("one colour per team on every board and in both languages; grades in the colour-blind-safe scale", async (ctx) => {
    needBrowser(ctx);
    const legend = async (base: () => string, board: string, chart: string) => {
      const { page, problems } = await open(board, `[data-chart="${chart}"]`, base);
      try {
        expect(problems).toEqual([]);
        return await page.$$eval(`[data-chart="${chart}"] g.role-legend-symbol path, [data-chart="${chart}"] g.role-legend-label text`, (els) => {
          const fills = els.filter((e) => e.tagName === "path").map((e) => e.getAttribute("fill"));
          const labels = els.filter((e) => e.tagName === "text").map((e) => e.textContent);
          return Object.fromEntries(labels.map((l, i) => [l, fills[i]]));
        });
      } finally {
        await page.close();
      }
    };
    const teams = (m: Record<string, string | null | undefined>) => Object.fromEntries(Object.entries(m).filter(([k]) => k !== "部门" && k !== "Department"));
    const hrZh = teams(await legend(() => served!.url, "/hr", "hr-trend"));
    const trendZh = teams(await legend(() => served!.url, "/leadership", "department-trend"));
    const hrEn = teams(await legend(() => en!.url, "/hr", "hr-trend"));
    expect(Object.keys(hrZh).length).toBeGreaterThan(2);
    expect(trendZh).toEqual(hrZh);
    expect(hrEn).toEqual(hrZh);
    expect(new Set(Object.values(hrZh)).size).toBe(Object.keys(hrZh).length);
    // the grade bars carry the grade scale's colours, best grade first
    const { page } = await open("/", '[data-chart="grade-distribution"]');
    try {
      const fills = await page.$$eval('[data-chart="grade-distribution"] g.role-mark path', (ps) => [...new Set(ps.map((p) => p.getAttribute("fill")))]);
      const { range } = gradeScale(["A", "B", "C", "D", "E"]);
      expect(range).toEqual(expect.arrayContaining(fills));
    } finally {
      await page.close();
    }
  });

  it("charts read without guessing: a key for the team comparison and an axis fitted to its data; heatmap labels whole and level; weights coloured by dimension", async (ctx) => {
    needBrowser(ctx);
    const { page, problems } = await open("/leadership?period=2026-Q3", '[data-chart="indicator-heatmap"]');
    try {
      // the team comparison's marks are named in a key, and its axis does not start at 0 (a 5-point spread would look flat)
      expect(await page.locator('[data-chart="team-comparison"] .chart-key li').count()).toBe(4);
      const ticks = (await page.$$eval('[data-chart="team-comparison"] g.role-axis-label text', (ts) => ts.map((t) => Number(t.textContent)))).filter((n) => !Number.isNaN(n));
      expect(Math.min(...ticks)).toBeGreaterThan(0);
      // the heatmap's labels: none turned on its side, none cut short
      const labels = await page.$$eval('[data-chart="indicator-heatmap"] g.role-axis-label text', (ts) => ts.map((t) => ({ text: t.textContent ?? "", transform: t.getAttribute("transform") ?? "" })));
      expect(labels.length).toBeGreaterThan(5);
      expect(labels.filter((l) => /rotate\((?!0\))/.test(l.transform) || l.text.endsWith("…"))).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
    const m = await open("/methodology?period=2026-Q3", '[data-chart="weights"]');
    try {
      const fills = await m.page.$$eval('[data-chart="weights"] g.role-mark path', (ps) => new Set(ps.map((p) => p.getAttribute("fill"))).size);
      const dimensions = await m.page.locator("h3").count();
      expect(fills).toBe(dimensions);
      expect(m.problems).toEqual([]);
    } finally {
      await m.page.close();
    }
  });

  it("prints on A4: no navigation or selectors, the chosen period in words, charts within the page", async (ctx) => {
    needBrowser(ctx);
    const { page, problems } = await open("/leadership?period=2026-Q3", '[data-chart="department-trend"]');
    try {
      await page.emulateMedia({ media: "print" });
      // A4 at 96 dpi less the page margins (12 mm each side): about 703 px
      await resize(page, 703);
      expect(await page.locator("#observablehq-sidebar").isVisible()).toBe(false);
      expect(await page.locator("select").first().isVisible()).toBe(false);
      expect(await page.locator(".period-printed").first().textContent()).toContain("2026-Q3");
      const widest = await page.$$eval("figure.chart svg, table.board-table", (els) => Math.max(...els.map((e) => e.getBoundingClientRect().right)));
      expect(widest).toBeLessThanOrEqual(703);
      expect(await pageWidth(page)).toBeLessThanOrEqual(703);
      const pdf = await page.pdf({ format: "A4" });
      expect(pdf.length).toBeGreaterThan(10_000);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("a keyboard reaches a skip link first, which leads to the board's content", async (ctx) => {
    needBrowser(ctx);
    const { page, problems } = await open("/rankings?period=2026-Q3", 'table[data-table="rankings"]');
    try {
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => ({ cls: document.activeElement?.className, href: document.activeElement?.getAttribute("href"), text: document.activeElement?.textContent }));
      expect(focused).toEqual({ cls: "skip-link", href: "#observablehq-main", text: "跳到正文" });
      expect(await page.locator("#observablehq-main").count()).toBe(1);
      await page.keyboard.press("Enter");
      expect(new URL(page.url()).hash).toBe("#observablehq-main");
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe("the improvement loop", () => {
  let management: RunningSite | undefined;
  beforeAll(async () => {
    if (HAVE_CHROMIUM) management = await serveDir(site.distManagement, 0);
  });
  afterAll(async () => {
    await management?.close();
  });

  it("management: the scheme lab shows the simulation beside the scheme in force, and the staff's opinion with its themes", async (ctx) => {
    needBrowser(ctx);
    const { page, problems } = await open("/lab", 'table[data-table="lab-agreement"]', () => management!.url);
    try {
      await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>("[data-chart]")].every((c) => c.dataset.rendered === "true"));
      const marks = await markCounts(page);
      expect(Object.keys(marks).sort()).toEqual(["lab-grades", "lab-opinion", "lab-rank-shift", "lab-sensitivity", "lab-teams", "lab-weights"]);
      for (const [chart, n] of Object.entries(marks)) expect(n, `marks in chart ${chart}`).toBeGreaterThan(0);
      expect(await page.locator('[data-value="simulation"]').textContent()).toContain("2027.1");
      const agreement = await tableText(page, "lab-agreement");
      expect(agreement.length).toBe(3); // header and the two simulated quarters
      const weights = await tableText(page, "lab-weights");
      expect(weights.find((r) => r[0] === "专业认证")).toEqual(["专业认证", "6.25", "2.50", "-3.75"]);
      expect(await page.locator('table[data-table="lab-themes"]').count()).toBe(1);
      expect(problems).toEqual([]);
      expect(external).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("staff: the lab is for management; the methodology board shows the opinion survey's aggregate and withholds small groups", async (ctx) => {
    needBrowser(ctx);
    const lab = await open("/lab", '[data-state="management-only"]');
    try {
      expect(lab.problems).toEqual([]);
    } finally {
      await lab.page.close();
    }
    const { page, problems } = await open("/methodology", 'details[data-details="opinion"]');
    try {
      // the per-team table is folded under the chart
      await page.locator('details[data-details="opinion"] summary').click();
      const rows = await tableText(page, "opinion");
      // every row is either counts of five or more, or says why it is not shown
      for (const r of rows.slice(1)) expect(Number(r[2]) >= 5 || r[2]!.startsWith("不显示")).toBe(true);
      expect(rows.slice(1).some((r) => r[1] === "全体答卷人")).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
