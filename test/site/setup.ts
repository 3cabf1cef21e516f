/**
 * Vitest global setup: one test-sized demo department (40 agents, 25,000 tickets, 15 months: enough quarters for the tracker to reach review; the generator needs more than 30 agents for its planted cases), scored, published
 * and built as a site once per test run, in a temp folder; the site tests share it through `inject("site")`.
 * The build is in Chinese (language: zh-CN) so that the language path is the one the browser tests see; the same staff
 * build in English (`appraisal build --language en`) and the management build in Chinese are built beside it. 2026-Q2 is
 * final (published, window passed, acknowledged), 2026-Q3 provisional with an appeal, later months not published.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import YAML from "yaml";
import { DEMO_SOURCES } from "../../core/config/app.ts";
import { Warehouse } from "../../core/db/warehouse.ts";
import { finalDemoPeriod } from "../../pipelines/demo/publication.ts";

export interface SiteFixture {
  dir: string;
  config: string;
  warehouse: string;
  demo: string;
  dist: string;
  /** the same staff build in English (appraisal build --language en) */
  distEn: string;
  /** the management build of the same warehouse */
  distManagement: string;
  snapshot: string;
  /** an appeal filed, accepted with a correction and re-published, with texts only management may see */
  appeal: { agent: string; period: string; reason: string; evidence: string; decision: string };
  /** a committee decision recorded on an agent flagged for review */
  committee: { agent: string; period: string; note: string };
  /** a period published, then final after its appeal window, and acknowledged by `acknowledgedBy` */
  final: { period: string; acknowledgedBy: string };
  /** how staff appeal (config `appeals.contact`), shown on the agent page */
  appealContact: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    site: SiteFixture;
  }
}

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const APPEAL_CONTACT = "人力资源部 王芳（分机 8021）";

/** Can this process run a command with no network at all (a new, empty network namespace)? Root on Linux can. */
function canUnshareNetwork(): boolean {
  try {
    execFileSync("unshare", ["-n", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function appraisal(args: string[], config: string, opts: { noNetwork?: boolean } = {}): string {
  const cli = [path.join(ROOT, "bin", "appraisal.mjs"), "--config", config, ...args];
  const [cmd, argv] = opts.noNetwork ? ["unshare", ["-n", process.execPath, ...cli]] : [process.execPath, cli];
  try {
    return execFileSync(cmd as string, argv as string[], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
      // the audit log is keyed; the global setup runs outside the test workers, so it sets the tests' key itself
      env: { ...process.env, TZ: "UTC", APPRAISAL_AUDIT_KEY: process.env.APPRAISAL_AUDIT_KEY ?? "test-audit-key-0123456789abcdef" },
    });
  } catch (e) {
    const err = e as { stderr?: string };
    throw new Error(`appraisal ${args.join(" ")} failed:\n${(err.stderr ?? String(e)).split("\n").slice(-15).join("\n")}`);
  }
}

/** Test files that read the built site through `inject("site")`, found by that call in their text. */
function siteTests(dir = path.join(ROOT, "test")): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...siteTests(file));
    else if (e.name.endsWith(".test.ts") && readFileSync(file, "utf8").includes('inject("site")')) out.push(path.relative(ROOT, file));
  }
  return out;
}

/**
 * `vitest run test/x.test.ts` names its files: when none of them reads the site, the build is skipped (it takes a
 * minute of a 2-core machine). With no file named, as in `npm test`, it is always built.
 */
function siteNeeded(): boolean {
  const filters = process.argv.slice(2).filter((a) => !a.startsWith("-") && a !== "run" && /test|\.ts$|\//.test(a));
  if (filters.length === 0) return true;
  const tests = siteTests();
  return filters.some((f) => tests.some((t) => t.includes(f) || f.includes(t)));
}

export default async function setup(project: TestProject): Promise<() => void> {
  if (!siteNeeded()) return () => {};
  // APPRAISAL_TEST_SITE=<folder>: build the fixture there once and keep it; later runs with the same folder reuse it
  // (for working on the boards' tests: the build takes minutes). Without it, a fresh temporary folder each run.
  const keep = process.env.APPRAISAL_TEST_SITE;
  if (keep && existsSync(path.join(keep, "fixture.json"))) {
    process.stderr.write(`[site setup] reusing the fixture in ${keep} (APPRAISAL_TEST_SITE)\n`);
    project.provide("site", JSON.parse(readFileSync(path.join(keep, "fixture.json"), "utf8")));
    return () => {};
  }
  if (keep) mkdirSync(keep, { recursive: true });
  const dir = keep ? path.resolve(keep) : mkdtempSync(path.join(tmpdir(), "appraisal-site-"));
  const config = path.join(dir, "appraisal.config.yaml");
  writeFileSync(
    config,
    YAML.stringify({
      warehouse: "warehouse/appraisal.duckdb",
      language: "zh-CN",
      schemes_dir: path.join(ROOT, "schemes"),
      demo_mode: true,
      demo: { out: "demo-data", agents: 40, tickets: 25_000, months: 15 },
      sources: DEMO_SOURCES,
      appeals: { contact: APPEAL_CONTACT },
    }),
  );
  const t0 = Date.now();
  appraisal(["pipeline"], config);
  // 2026-Q2: published, its appeal window passed, final, acknowledged by the declining agent
  const plantedFirst = JSON.parse(readFileSync(path.join(dir, "demo-data", "manifest.json"), "utf8")).planted;
  const final = { period: "2026-Q2", acknowledgedBy: plantedFirst.declining as string };
  const writer = await Warehouse.open(path.join(dir, "warehouse", "appraisal.duckdb"), { timezone: "Asia/Shanghai" });
  try {
    await finalDemoPeriod(writer, { scheme: "support-weighted", period: final.period, timezone: "Asia/Shanghai", publishedAt: new Date("2026-07-06T02:00:00Z"), acknowledgedBy: [final.acknowledgedBy] });
  } finally {
    writer.close();
  }
  // publication with an appeal: provisional, an appeal accepted with a correction, re-scored, published again
  const planted = JSON.parse(readFileSync(path.join(dir, "demo-data", "manifest.json"), "utf8")).planted;
  const appeal = {
    agent: planted.declining as string,
    period: "2026-Q3",
    reason: "APPEAL-REASON-7f3c a ticket was closed by the customer portal, not by me",
    evidence: "EVIDENCE-REF-91ab",
    decision: "DECISION-NOTE-55d1 the portal log confirms it",
  };
  appraisal(["publish", "--period", appeal.period, "--provisional"], config);
  appraisal(["appeal", "file", "--agent", appeal.agent, "--period", appeal.period, "--indicator", "tickets_resolved", "--reason", appeal.reason, "--evidence", appeal.evidence], config);
  const wh = await Warehouse.open(path.join(dir, "warehouse", "appraisal.duckdb"), { timezone: "Asia/Shanghai", readOnly: true });
  const reviewed = await wh.one<{ agent_id: string; quarter: string }>(
    "SELECT agent_id, quarter FROM mart.bottom_tracker WHERE scheme_id = 'support-weighted' AND state = 'review' ORDER BY quarter DESC, agent_id LIMIT 1",
  );
  const ticket = await wh.value<string>(
    "SELECT min(ticket_id) FROM int.tickets_credited WHERE resolver_id = $a AND resolved_at >= '2026-07-01' AND resolved_at < '2026-10-01'",
    { a: appeal.agent },
  );
  wh.close();
  appraisal(["appeal", "decide", "--id", "1", "--accept", "--reason", appeal.decision, "--correction", `exclude_ticket:${ticket}`], config);
  if (!reviewed) throw new Error("the test department has nobody flagged for review: the committee decision cannot be tested");
  const committee = { agent: reviewed.agent_id, period: reviewed.quarter, note: "COMMITTEE-NOTE-c0de coaching for one more quarter" };
  appraisal(["committee", "--agent", committee.agent, "--period", committee.period, "--decision", "extend_coaching", "--members", "manager, HR, lead", "--note", committee.note], config);
  appraisal(["run"], config);
  appraisal(["publish", "--period", appeal.period, "--provisional"], config);
  // the scheme lab: a draft that moves the certifications' weight from 25 to 10, simulated over the last two quarters
  const draft = path.join(dir, "draft.yaml");
  writeFileSync(draft, 'scheme: support-weighted\nversion: "2027.1"\neffective_from: 2027-01-01\nweights: { certifications: 10, training_hours: 30, skill_rating_360: 60 }\n');
  appraisal(["simulate", "--scheme", draft, "--last", "2q"], config);
  const dist = path.join(dir, "dist");
  // the build runs with no network at all where the machine allows it (root on Linux, as in CI)
  const offline = canUnshareNetwork();
  appraisal(["build", "--out", dist], config, { noNetwork: offline });
  const distEn = path.join(dir, "dist-en");
  appraisal(["build", "--language", "en", "--out", distEn], config, { noNetwork: offline });
  const distManagement = path.join(dir, "dist-management");
  appraisal(["build", "--audience", "management", "--out", distManagement], config, { noNetwork: offline });
  process.stderr.write(
    `[site setup] demo department scored, published and built${offline ? " (the build with no network)" : " (the build with the network this machine has: unshare -n is not allowed here)"} in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${dir}\n`,
  );
  const fixture: SiteFixture = {
    dir,
    config,
    warehouse: path.join(dir, "warehouse", "appraisal.duckdb"),
    demo: path.join(dir, "demo-data"),
    dist,
    distEn,
    distManagement,
    appeal,
    committee,
    final,
    appealContact: APPEAL_CONTACT,
    snapshot: path.join(dir, "warehouse", "published", "staff", "current"),
  };
  project.provide("site", fixture);
  if (keep) {
    writeFileSync(path.join(dir, "fixture.json"), JSON.stringify(fixture));
    return () => {};
  }
  return () => rmSync(dir, { recursive: true, force: true });
}
