/**
 * Notifications against local servers that check each vendor's documented payload and signature, and a local SMTP
 * inbox: every event sent once (a second run sends nothing), personal events only to the people concerned, faults
 * (5xx, timeouts, a refused signature, an interrupted send) leave the event unsent and retried on the next run.
 */
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Warehouse } from "../../../core/db/warehouse.ts";
import { dingtalkSign, feishuSign, slackMrkdwn, truncateBytes } from "../../../pipelines/notify/channels.ts";
import { Notifications } from "../../../core/config/notifications.ts";
import { notify } from "../../../pipelines/notify/notify.ts";
import { appendAudit, verifyAudit } from "../../../core/audit.ts";
import { DINGTALK_SECRET, FakeInbox, FakeRobots, FEISHU_SECRET } from "../../helpers/fake-robots.ts";
import { tempDir, TZ } from "../../helpers/warehouse.ts";

const AS_OF = new Date("2026-10-12T02:00:00Z"); // Monday 10:00 in Shanghai
let robots: FakeRobots;
let inbox: FakeInbox;
let wh: Warehouse;
let cleanup: () => void;
const savedEnv = { ...process.env };

function config(extra: Record<string, unknown> = {}, routes?: unknown[]) {
  return Notifications.parse({
    base_url: "https://boards.example.com/",
    management_url: "https://boards.example.com/management/",
    retries: 2,
    backoff_ms: 10,
    timeout_seconds: 1,
    channels: [
      { name: "support-wecom", kind: "wecom", webhook_env: "WECOM_WEBHOOK" },
      { name: "support-dingtalk", kind: "dingtalk", webhook_env: "DINGTALK_WEBHOOK", secret_env: "DINGTALK_SECRET" },
      { name: "support-feishu", kind: "feishu", webhook_env: "FEISHU_WEBHOOK", secret_env: "FEISHU_SECRET" },
      { name: "ops-slack", kind: "slack", webhook_env: "SLACK_WEBHOOK" },
      {
        name: "mail",
        kind: "email",
        host: "127.0.0.1",
        port: inbox.port,
        from: "绩效考核 <appraisal@example.com>",
        to: ["support-all@example.com"],
        hr: ["hr@example.com"],
        operators: ["ops@example.com"],
      },
    ],
    routes: routes ?? [
      { event: "period_provisional", channels: ["support-wecom", "support-dingtalk", "support-feishu", "mail"] },
      { event: "deadline_approaching", channels: ["support-wecom"] },
      { event: "period_final", channels: ["support-wecom"] },
      { event: "appeal_decided", channels: ["mail"] },
      { event: "tracker_flag", channels: ["mail"] },
      { event: "run_failed", channels: ["ops-slack"] },
      { event: "quarantine_high", channels: ["ops-slack"] },
    ],
    ...extra,
  });
}

const run = (cfg = config(), extra: Partial<Parameters<typeof notify>[1]> = {}) =>
  notify(wh, { config: cfg, language: "zh-CN", timezone: TZ, holidays: [], asOf: AS_OF, ...extra });

/** A warehouse with a provisional publication of 2026-Q3 (appeals until 2026-10-14), a roster with addresses. */
async function seed() {
  await wh.run("CREATE SCHEMA IF NOT EXISTS scheme; CREATE OR REPLACE TABLE scheme.versions AS SELECT 'support-weighted' AS scheme_id, 'Support weighted plan' AS scheme_name_en, '技术支持部绩效考核方案（加权）' AS scheme_name_zh");
  await wh.run(`INSERT INTO raw.agents (agent_id, display_name, email, team, department, role, manager_id, hire_date, _batch_id, _current, _bad) VALUES
    ('E1027', '李娜', 'li.na@example.com', '一线支持组', '技术支持部', 'agent', 'E1001', '2022-01-01', 1, true, false),
    ('E1001', '王强', 'wang.qiang@example.com', '一线支持组', '技术支持部', 'lead', NULL, '2019-01-01', 1, true, false),
    ('E1030', '张伟', NULL, '一线支持组', '技术支持部', 'agent', 'E1001', '2022-01-01', 1, true, false)`);
  await wh.run("INSERT INTO meta.period_states VALUES ('support-weighted', '2026-Q3', 'provisional', '2026-10-09T02:00:00Z', '2026-10-14', 1)");
  await appendAudit(wh, {
    action: "publish",
    subject: "support-weighted 2026-Q3",
    detail: { state: "provisional", revision: 1, appeal_deadline: "2026-10-14" },
    at: "2026-10-09T02:00:00Z",
  });
}

beforeAll(async () => {
  robots = await new FakeRobots().start();
  inbox = await new FakeInbox().start();
});
afterAll(async () => {
  await robots.stop();
  await inbox.stop();
});
beforeEach(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  wh = await Warehouse.open(path.join(t.dir, "wh.duckdb"), { timezone: TZ });
  Object.assign(process.env, robots.env());
  robots.received = [];
  robots.requests = [];
  inbox.mails = [];
  await seed();
});
afterEach(() => {
  wh.close();
  cleanup();
  process.env = { ...savedEnv };
});

describe("the vendors' signatures", () => {
  it("signs DingTalk and Feishu as documented", () => {
    // (the expected values computed independently, with Python's hmac module)
    // HmacSHA256 of "1599360473000\nSECxxx" keyed with the secret (DingTalk); keyed with "1599360473\nsecret" over "" (Feishu)
    expect(dingtalkSign(1599360473000, "SECxxx")).toBe("AJviBdi6ACziw+89yqdebcOcdVlZAhlTExxOki+kLJc=");
    expect(feishuSign(1599360473, "secret")).toBe("q4jswNiMy51J5JuQV566yJat0/lQ/c+22kINzUgKsGU=");
    expect(slackMrkdwn("**公示** [查看看板](https://x/rankings?period=2026-Q3)")).toBe("*公示* <https://x/rankings?period=2026-Q3|查看看板>");
    expect(Buffer.byteLength(truncateBytes("考".repeat(3000), 4096))).toBeLessThanOrEqual(4096);
  });
});

describe("appraisal notify", () => {
  const PUBLICATION = [{ event: "period_provisional", channels: ["support-wecom", "support-dingtalk", "support-feishu", "mail"] }];

  it("tells every channel once about a provisional publication, in Chinese, with the deadline and a link", async () => {
    const r = await run(config({}, PUBLICATION));
    const sent = r.deliveries.filter((d) => d.outcome === "sent");
    expect(sent.map((d) => d.channel).sort()).toEqual(["mail", "support-dingtalk", "support-feishu", "support-wecom"]);
    expect(robots.received.map((x) => x.robot).sort()).toEqual(["dingtalk", "feishu", "wecom"]);
    for (const m of robots.received) {
      expect(m.text).toContain("2026-Q3 的考核结果已公示");
      expect(m.text).toContain("2026-10-14");
      expect(m.text).toContain("https://boards.example.com/rankings?period=2026-Q3");
    }
    expect(inbox.mails).toHaveLength(1);
    expect(inbox.mails[0]!.to).toEqual(["support-all@example.com"]);
    expect(inbox.mails[0]!.subject).toBe("【绩效公示】2026-Q3 考核结果已公示");
    expect(inbox.mails[0]!.text).toContain("请在 2026-10-14（含）前提出申诉");

    // a second run sends nothing
    const again = await run(config({}, PUBLICATION));
    expect(again.deliveries.every((d) => d.outcome === "skipped")).toBe(true);
    expect(robots.received).toHaveLength(3);
    expect(inbox.mails).toHaveLength(1);

    // every send is in the audit log, and the chain still verifies
    const audit = await wh.all<{ subject: string; outcome: string }>(
      "SELECT subject, detail->>'outcome' AS outcome FROM meta.audit_log WHERE action = 'notify' ORDER BY seq",
    );
    expect(audit).toHaveLength(4);
    expect(audit.every((a) => a.outcome === "sent" && a.subject.startsWith("period_provisional:support-weighted:2026-Q3:r1 -> "))).toBe(true);
    expect((await verifyAudit(wh)).ok).toBe(true);
  });

  it("prints what would be sent with --dry-run, and sends and records nothing", async () => {
    const r = await run(config({}, PUBLICATION), { dryRun: true });
    expect(r.deliveries.map((d) => d.outcome)).toEqual(Array(4).fill("would send"));
    expect(r.deliveries[0]!.message.text).toContain("2026-10-14");
    expect(robots.requests).toHaveLength(0);
    expect(inbox.mails).toHaveLength(0);
    expect(Number(await wh.value("SELECT count(*) FROM meta.notifications"))).toBe(0);
  });

  it("writes in English when the config says so", async () => {
    await run(config({ language: "en" }, [{ event: "period_provisional", channels: ["ops-slack"] }]));
    expect(robots.received[0]!.text).toContain("*[Appraisal] 2026-Q3 results published for objection*");
    expect(robots.received[0]!.text).toContain("Appeals may be filed until 2026-10-14 (inclusive).");
    expect(robots.received[0]!.text).toContain("<https://boards.example.com/rankings?period=2026-Q3|Open the board>");
  });

  it("sends an appeal's decision to the appellant only, and a tracker review to the manager and HR only", async () => {
    await wh.run(`INSERT INTO meta.appeals VALUES (1, 'support-weighted', '2026-Q3', 'E1027', 'csat', 'APPEAL-REASON', NULL, '2026-10-09T03:00:00Z', 'E1027',
      'rejected', '2026-10-10T03:00:00Z', 'hr', 'the ratings are the customers''')`);
    await wh.run(`CREATE SCHEMA IF NOT EXISTS mart; CREATE TABLE mart.bottom_tracker AS
      SELECT * FROM (VALUES ('support-weighted', '2026-Q3', 'E1027', '李娜', '一线支持组', 'review', 4, '2026-Q3'),
                            ('support-weighted', '2026-Q3', 'E1030', '张伟', '一线支持组', 'watch', 1, NULL))
      t(scheme_id, quarter, agent_id, display_name, team, state, consecutive, review_since)`);
    const r = await run(config({}, [
      { event: "appeal_decided", channels: ["mail"] },
      { event: "tracker_flag", channels: ["mail"] },
    ]));
    expect(r.deliveries.map((d) => [d.key, d.recipient, d.outcome])).toEqual([
      ["appeal_decided:1", "li.na@example.com", "sent"],
      ["tracker_flag:support-weighted:2026-Q3:E1027:review", "wang.qiang@example.com", "sent"],
      ["tracker_flag:support-weighted:2026-Q3:E1027:review", "hr@example.com", "sent"],
    ]);
    const appeal = inbox.mails.find((m) => m.to.includes("li.na@example.com"))!;
    expect(appeal.subject).toBe("【申诉结果】您对 2026-Q3 的申诉 #1 已驳回");
    expect(appeal.to).toEqual(["li.na@example.com"]);
    const review = inbox.mails.filter((m) => m.subject.startsWith("【末位跟踪】"));
    expect(review.map((m) => m.to)).toEqual([["wang.qiang@example.com"], ["hr@example.com"]]);
    expect(review[0]!.text).toContain("https://boards.example.com/management/tracker?period=2026-Q3");
    // nothing about a person went to a group
    expect(robots.requests).toHaveLength(0);
  });

  it("refuses a config that routes a person's event to a group robot", () => {
    expect(() => config({}, [{ event: "tracker_flag", channels: ["support-wecom"] }])).toThrow(
      /tracker_flag is about one person and goes only to the people concerned, by email; 'support-wecom' is a wecom group channel/,
    );
  });

  it("retries a 500 with backoff within the run", async () => {
    robots.faults.wecom.push("500", "500");
    const r = await run(config({}, [{ event: "period_provisional", channels: ["support-wecom"] }]));
    expect(r.deliveries[0]!.outcome).toBe("sent");
    expect(robots.requests.map((x) => x.status)).toEqual([500, 500, 200]);
    expect(robots.received).toHaveLength(1);
  });

  it("leaves an event unsent after a timeout, a 5xx or a refused signature, and sends it on the next run", async () => {
    const cfg = config({ retries: 0 }, [{ event: "period_provisional", channels: ["support-wecom", "support-dingtalk", "support-feishu"] }]);
    robots.faults.wecom.push("hang");
    robots.faults.dingtalk.push("500");
    robots.faults.feishu.push("badsign");
    const first = await run(cfg);
    expect(first.deliveries.map((d) => [d.channel, d.outcome])).toEqual([
      ["support-wecom", "failed"],
      ["support-dingtalk", "failed"],
      ["support-feishu", "failed"],
    ]);
    expect(first.deliveries[0]!.error).toMatch(/no answer within 1 s/);
    expect(first.deliveries[2]!.error).toMatch(/19021 sign match fail/);
    expect(robots.received).toHaveLength(0);
    const states = await wh.all<{ state: string; attempts: number }>("SELECT state, attempts FROM meta.notifications ORDER BY channel");
    expect(states).toEqual(Array(3).fill({ state: "failed", attempts: 1 }));

    const second = await run(cfg);
    expect(second.deliveries.map((d) => d.outcome)).toEqual(["sent", "sent", "sent"]);
    expect(robots.received).toHaveLength(3);
    const third = await run(cfg);
    expect(third.deliveries.map((d) => d.outcome)).toEqual(["skipped", "skipped", "skipped"]);
    const audit = await wh.all<{ outcome: string }>("SELECT detail->>'outcome' AS outcome FROM meta.audit_log WHERE action = 'notify' ORDER BY seq");
    expect(audit.map((a) => a.outcome)).toEqual(["failed", "failed", "failed", "sent", "sent", "sent"]);
  });

  it("fails DingTalk's signature with a wrong secret, and the robot refuses it", async () => {
    process.env.DINGTALK_SECRET = "SECwrong";
    const r = await run(config({ retries: 0 }, [{ event: "period_provisional", channels: ["support-dingtalk"] }]));
    expect(r.deliveries[0]!.outcome).toBe("failed");
    expect(r.deliveries[0]!.error).toMatch(/310000 sign not match \(check the secret/);
    process.env.DINGTALK_SECRET = DINGTALK_SECRET;
    process.env.FEISHU_SECRET = FEISHU_SECRET;
    expect((await run(config({ retries: 0 }, [{ event: "period_provisional", channels: ["support-dingtalk"] }]))).deliveries[0]!.outcome).toBe("sent");
  });

  it("retries an SMTP 451 and sends the mail once", async () => {
    inbox.rejectNext.push(451);
    const r = await run(config({}, [{ event: "period_provisional", channels: ["mail"] }]));
    expect(r.deliveries[0]!.outcome).toBe("sent");
    expect(inbox.mails).toHaveLength(1);
  });

  it("never repeats a send interrupted half-way, unless asked to", async () => {
    // the process died after recording 'sending': the message may have left
    await wh.run(`INSERT INTO meta.notifications VALUES ('period_provisional:support-weighted:2026-Q3:r1', 'support-wecom', '', 'period_provisional',
      'sending', 1, 'zh-CN', 't', 'x', '2026-10-12T01:00:00Z', '2026-10-12T01:00:00Z', NULL, NULL)`);
    const lines: string[] = [];
    const cfg = config({}, [{ event: "period_provisional", channels: ["support-wecom"] }]);
    const r = await run(cfg, { log: (l) => lines.push(l) });
    expect(r.deliveries[0]!.outcome).toBe("unknown");
    expect(robots.received).toHaveLength(0);
    expect(lines.join("\n")).toMatch(/a send was interrupted; not sent again .*--resend period_provisional:support-weighted:2026-Q3:r1/);
    expect((await run(cfg)).deliveries[0]!.outcome).toBe("unknown");
    const resent = await run(cfg, { resend: ["period_provisional:support-weighted:2026-Q3:r1"] });
    expect(resent.deliveries[0]!.outcome).toBe("sent");
    expect(robots.received).toHaveLength(1);
  });

  it("reminds of the appeal deadline two working days before it, once", async () => {
    const cfg = config({}, [{ event: "deadline_approaching", channels: ["support-wecom"] }]);
    // Friday 2026-10-09: three working days to Wednesday 2026-10-14
    expect((await run(cfg, { asOf: new Date("2026-10-09T02:00:00Z") })).deliveries).toHaveLength(0);
    const r = await run(cfg);
    expect(r.deliveries.map((d) => [d.key, d.outcome])).toEqual([["deadline_approaching:support-weighted:2026-Q3:2026-10-14", "sent"]]);
    expect(robots.received[0]!.text).toContain("还剩 2 个工作日");
    expect((await run(cfg, { asOf: new Date("2026-10-13T02:00:00Z") })).deliveries[0]!.outcome).toBe("skipped");
  });

  it("tells the operators about a failed run and a load that quarantined more than the threshold", async () => {
    await wh.run(`INSERT INTO meta.runs (run_id, kind, started_at, finished_at, outcome, detail, error, trigger, job, rows) VALUES
      (101, 'run', '2026-10-11T18:30:00Z', '2026-10-11T18:31:00Z', 'failed', NULL, 'checks failed, nothing was changed:\n  weights_add_up: 1 row', 'schedule', 'nightly', NULL),
      (102, 'ingest', '2026-10-11T19:00:00Z', '2026-10-11T19:01:00Z', 'ok', '{"quarantined": 250}', NULL, 'schedule', 'hourly', 1000),
      (103, 'ingest', '2026-10-11T20:00:00Z', '2026-10-11T20:01:00Z', 'ok', '{"quarantined": 3}', NULL, 'schedule', 'hourly', 1000)`);
    const r = await run(config({}, [
      { event: "run_failed", channels: ["ops-slack", "mail"] },
      { event: "quarantine_high", channels: ["ops-slack"] },
    ]));
    expect(r.deliveries.map((d) => [d.key, d.channel, d.recipient])).toEqual([
      ["run_failed:101", "ops-slack", ""],
      ["run_failed:101", "mail", "ops@example.com"],
      ["quarantine_high:102", "ops-slack", ""],
    ]);
    expect(robots.received[0]!.text).toContain("计分运行 #101 失败：checks failed, nothing was changed:");
    expect(robots.received[1]!.text).toContain("隔离了 250 行（阈值 100）");
  });

  it("does not send events older than max_age_days (a new channel is not flooded with history)", async () => {
    const r = await run(config(), { asOf: new Date("2026-11-30T02:00:00Z") });
    expect(r.events).toBe(0);
  });
});
