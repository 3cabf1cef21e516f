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
import { type RunningSite, serveDir } from "../../pipelines/site/serve.ts";
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

const BOARDS: Array<{ path: string; charts: string[]; tables: string[] }> = [
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

describe("the boards in Chromium", () => {
  it.for(BOARDS)("$path renders: no console error, no failed request, marks in every chart", async (board, ctx) => {
    needBrowser(ctx);
    const { page, problems } = await open(board.path);
    try {
      const marks = await markCounts(page);
      expect(Object.keys(marks).sort()).toEqual([...board.charts].sort());
      for (const [chart, n] of Object.entries(marks)) expect(n, `marks in chart ${chart}`).toBeGreaterThan(0);
      for (const t of board.tables) expect(await page.locator(`table[data-table="${t}"]`).count(), `table ${t}`).toBe(1);
      // the period selector is on every board
      expect(await page.locator(".period-select select").count()).toBe(1);
      expect(problems).toEqual([]);
      expect(external).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("rankings: filtering by team and changing the period change the table", async (ctx) => {
    needBrowser(ctx);
    const { page, problems } = await open("/rankings", 'table[data-table="rankings"]');
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
      // another period: other rows, and the URL carries it for the next board
      const period = select(page, "考核期");
      const label = (await period.locator("option").allTextContents()).find((o) => o.startsWith("2026-09 "));
      await period.selectOption({ label: label! });
      await page.waitForFunction(() => location.search.includes("period=2026-09"));
      await page.waitForFunction((old) => JSON.stringify([...document.querySelectorAll('table[data-table="rankings"] td')].map((td) => td.textContent)) !== old,
        JSON.stringify(after.slice(1).flat()));
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
      expect(rows.find((r) => r[2] === planted.declining)?.[0]).toBe("预警"); // warning, on the Chinese board
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
