/**
 * Issue 15's "done when", end to end through the command line, the built boards and local servers: a draft that moves
 * the certifications' weight from 25 to 10 is simulated, shown on the scheme lab board (management build, in
 * Chromium), adopted; the first provisional publication it scores notifies a local WeCom robot and a local SMTP inbox
 * exactly once, in Chinese, with the appeal deadline; every step is in the audit log and `audit verify` passes.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import YAML from "yaml";
import { DEMO_SOURCES } from "../../core/config/app.ts";
import { Warehouse } from "../../core/db/warehouse.ts";
import { serveDir } from "../../pipelines/site/serve.ts";
import { FakeInbox, FakeRobots } from "../helpers/fake-robots.ts";
import { tempDir } from "../helpers/warehouse.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
let dir: string;
let cleanup: () => void;
let robots: FakeRobots;
let inbox: FakeInbox;

/** The CLI in a child process; asynchronous, so that the local robots and inbox in this process can answer it. */
async function appraisal(args: string[]): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, "bin", "appraisal.mjs"), "--config", path.join(dir, "appraisal.config.yaml"), ...args], {
      cwd: dir,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, TZ: "UTC", APPRAISAL_ACTOR: "hr.zhao", ...robots.env() },
    });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string };
    throw new Error(`appraisal ${args.join(" ")} failed:\n${(err.stderr ?? String(e)).split("\n").slice(-20).join("\n")}`);
  }
}

beforeAll(async () => {
  const t = tempDir("appraisal-loop-");
  dir = t.dir;
  cleanup = t.cleanup;
  robots = await new FakeRobots().start();
  inbox = await new FakeInbox().start();
  cpSync(path.join(ROOT, "schemes"), path.join(dir, "schemes"), { recursive: true });
  writeFileSync(
    path.join(dir, "appraisal.config.yaml"),
    YAML.stringify({
      warehouse: "warehouse/appraisal.duckdb",
      language: "zh-CN",
      schemes_dir: "schemes",
      demo_mode: true,
      demo: { out: "demo-data", agents: 40, tickets: 25_000, months: 15 },
      sources: DEMO_SOURCES,
      notifications: {
        base_url: "https://boards.example.com/",
        retries: 1,
        backoff_ms: 10,
        timeout_seconds: 5,
        channels: [
          { name: "support-group", kind: "wecom", webhook_env: "WECOM_WEBHOOK" },
          { name: "mail", kind: "email", host: "127.0.0.1", port: inbox.port, from: "绩效考核 <appraisal@example.com>", to: ["support-all@example.com"] },
        ],
        routes: [{ event: "period_provisional", channels: ["support-group", "mail"] }],
      },
    }),
  );
  writeFileSync(
    path.join(dir, "draft.yaml"),
    `scheme: support-weighted
version: "2026.3"
effective_from: 2026-10-01
notes: 专业认证占专业技能的权重由 25 降为 10；培训学时 30，360 专业技能评价 60（员工意见调查：认证名额有限，不公平）。
weights: { certifications: 10, training_hours: 30, skill_rating_360: 60 }
`,
  );
});

afterAll(async () => {
  await robots?.stop();
  await inbox?.stop();
  cleanup?.();
});

it("simulates a draft, shows it on the scheme lab board, adopts it, and its first provisional publication tells WeCom and email once", async () => {
  await appraisal(["pipeline"]);

  // 1. simulate: the scheme in force beside the draft, over the last four quarters
  const simulated = await appraisal(["simulate", "--scheme", "draft.yaml", "--last", "4q", "--changes-only"]);
  expect(simulated).toMatch(/^simulation #1: support-weighted draft 2026\.3 \(from 2026\.2; would take effect 2026-10-01\) against the scheme in force/);
  expect(simulated).toMatch(/== 2026-Q3\nrank agreement \(技术支持部\): Kendall's tau 0\.\d\d over \d+ agents ranked under both; top 10: \d+ of 10 the same/);
  expect(simulated).toContain("weight sensitivity");

  // 2. the scheme lab board (management build) shows it
  const dist = path.join(dir, "dist-management");
  await appraisal(["build", "--audience", "management", "--out", dist]);
  if (existsSync(CHROMIUM) || process.env.CI) {
    const served = await serveDir(dist, 0);
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(m.text());
      });
      await page.route("**/*", (r) => {
        if (new URL(r.request().url()).hostname === "127.0.0.1") return r.continue();
        problems.push(`external request: ${r.request().url()}`);
        return r.abort();
      });
      await page.goto(`${served.url}/lab`, { waitUntil: "networkidle" });
      await page.waitForSelector('table[data-table="lab-agreement"]');
      await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>("[data-chart]")].every((c) => c.dataset.rendered === "true"));
      expect(await page.locator('[data-value="simulation"]').textContent()).toContain("2026.3");
      expect(await page.locator('table[data-table="lab-agreement"] tbody tr').count()).toBe(4);
      const charts = await page.$$eval("[data-chart]", (els) => els.map((e) => (e as HTMLElement).dataset.chart));
      expect(charts).toEqual(expect.arrayContaining(["lab-weights", "lab-rank-shift", "lab-grades", "lab-teams", "lab-sensitivity"]));
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await served.close();
    }
  }

  // 3. adopt it: a new version from 2026-10-01, who and why recorded
  const adopted = await appraisal(["adopt", "--draft", "draft.yaml", "--reason", "员工意见调查：专业认证名额有限，权重过高"]);
  expect(adopted).toMatch(/^support-weighted 2026\.3 adopted: in force from 2026-10-01, written to .*support-weighted\.yaml .*as simulated in #1/);
  await appraisal(["run"]);

  // 4. its first provisional publication (October 2026, the first period it scores): WeCom and email, once, in Chinese
  const published = await appraisal(["publish", "--period", "2026-10", "--provisional"]);
  const deadline = /appeals until (\d{4}-\d{2}-\d{2})/.exec(published)![1]!;
  expect(robots.received).toHaveLength(1);
  expect(robots.received[0]!.robot).toBe("wecom");
  expect(robots.received[0]!.text).toContain("2026-10 的考核结果已公示");
  expect(robots.received[0]!.text).toContain(`请在 ${deadline}（含）前提出申诉`);
  expect(inbox.mails).toHaveLength(1);
  expect(inbox.mails[0]!.subject).toBe("【绩效公示】2026-10 考核结果已公示");
  expect(inbox.mails[0]!.text).toContain(deadline);
  expect(inbox.mails[0]!.text).toContain("https://boards.example.com/rankings?period=2026-10");
  // a retried run sends nothing twice
  expect(await appraisal(["notify"])).toMatch(/0 message\(s\) sent, 0 failed, 2 sent before/);
  expect(robots.received).toHaveLength(1);
  expect(inbox.mails).toHaveLength(1);

  // 5. every step is in the audit log, and the chain verifies
  const wh = await Warehouse.open(path.join(dir, "warehouse", "appraisal.duckdb"), { timezone: "Asia/Shanghai", readOnly: true });
  try {
    const acts = await wh.all<{ action: string; subject: string; actor: string }>(
      "SELECT action, subject, actor FROM meta.audit_log WHERE action IN ('simulate', 'adopt', 'publish', 'notify') ORDER BY seq",
    );
    expect(acts.map((a) => `${a.action} ${a.subject}`)).toEqual([
      "simulate support-weighted draft 2026.3",
      "adopt support-weighted 2026.3",
      "publish support-weighted 2026-10",
      "notify period_provisional:support-weighted:2026-10:r1 -> support-group",
      "notify period_provisional:support-weighted:2026-10:r1 -> mail",
    ]);
    expect(new Set(acts.map((a) => a.actor))).toEqual(new Set(["hr.zhao"]));
    // October is scored with the adopted version
    expect(await wh.value("SELECT version FROM mart.scheme_periods WHERE scheme_id = 'support-weighted' AND period = '2026-10'")).toBe("2026.3");
  } finally {
    wh.close();
  }
  expect(await appraisal(["audit", "verify"])).toMatch(/^audit log intact: \d+ entries/);
  expect(readFileSync(path.join(dir, "schemes", "support-weighted.yaml"), "utf8")).toContain('version: "2026.3"');
}, 900_000);
