/**
 * Config of the notifications (`notifications:` in appraisal.config.yaml): the channels (WeCom, DingTalk and Feishu/Lark
 * group robots, a Slack incoming webhook, email over SMTP), which events go to which channels, and how sends are
 * retried. Secrets never appear here: a channel names the environment variables that hold its webhook address (which
 * carries the robot's key or token), its signing secret or its SMTP password.
 */
import { z } from "zod";

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "the name of an environment variable, like WECOM_WEBHOOK (never the secret itself)");
const Name = z.string().regex(/^[a-z][a-z0-9_-]*$/, "use lower-case letters, digits, - and _");

export const EVENT_KINDS = [
  "period_provisional",
  "deadline_approaching",
  "period_final",
  "appeal_decided",
  "tracker_flag",
  "run_failed",
  "quarantine_high",
] as const;
export const EventKind = z.enum(EVENT_KINDS);
export type EventKind = z.infer<typeof EventKind>;

/** Events about one person: never to a group channel, only by email to the people concerned. */
export const PERSONAL_EVENTS: EventKind[] = ["appeal_decided", "tracker_flag"];

export const Channel = z.discriminatedUnion("kind", [
  /** 企业微信 group robot: the webhook address (…/cgi-bin/webhook/send?key=…) */
  z.object({ name: Name, kind: z.literal("wecom"), webhook_env: EnvName }).strict(),
  /** 钉钉 custom robot: the webhook address (…/robot/send?access_token=…) and, with 加签, the secret (SEC…) */
  z.object({ name: Name, kind: z.literal("dingtalk"), webhook_env: EnvName, secret_env: EnvName.optional() }).strict(),
  /** 飞书 / Lark custom bot: the webhook address (…/open-apis/bot/v2/hook/…) and, with 签名校验, the secret */
  z.object({ name: Name, kind: z.literal("feishu"), webhook_env: EnvName, secret_env: EnvName.optional() }).strict(),
  /** Slack incoming webhook: the address (…/services/T…/B…/…) */
  z.object({ name: Name, kind: z.literal("slack"), webhook_env: EnvName }).strict(),
  /** email over SMTP (nodemailer) */
  z
    .object({
      name: Name,
      kind: z.literal("email"),
      host: z.string().min(1),
      port: z.int().min(1).max(65535).default(587),
      /** TLS from the start (port 465); otherwise STARTTLS when the server offers it */
      secure: z.boolean().default(false),
      user_env: EnvName.optional(),
      password_env: EnvName.optional(),
      from: z.string().min(3),
      /** the recipients of the department-wide events (publication, deadlines, final results) */
      to: z.array(z.email()).default([]),
      /** HR's addresses: tracker warnings and reviews go to them and to the agent's manager */
      hr: z.array(z.email()).default([]),
      /** the recipients of the operators' events (failed runs, quarantine) */
      operators: z.array(z.email()).default([]),
    })
    .strict(),
]);
export type Channel = z.infer<typeof Channel>;

export const Route = z.object({ event: EventKind, channels: z.array(Name).min(1) }).strict();

export const Notifications = z
  .object({
    /** the staff boards' address, for the links in messages */
    base_url: z.url().optional(),
    /** the management build's address (tracker messages link there); default: base_url */
    management_url: z.url().optional(),
    /** the messages' language; default: the config's language */
    language: z.enum(["en", "zh-CN"]).optional(),
    /** events before this day are never sent (default: the last max_age_days) */
    since: z.iso.date().optional(),
    /** events older than this are not sent: a new channel is not flooded with history */
    max_age_days: z.int().min(1).max(366).default(14),
    /** "the appeal deadline is approaching": this many working days before it, or fewer */
    deadline_reminder_working_days: z.int().min(0).max(30).default(2),
    /** an ingest that quarantined more rows than this tells the operators */
    quarantine_threshold: z.int().min(0).default(100),
    /** retries of one send within a run (with exponential backoff); a send that still fails is retried next run */
    retries: z.int().min(0).max(10).default(3),
    backoff_ms: z.int().min(0).max(600_000).default(1_000),
    timeout_seconds: z.number().positive().max(300).default(10),
    channels: z.array(Channel).min(1),
    routes: z.array(Route).min(1),
  })
  .strict()
  .superRefine((n, ctx) => {
    const byName = new Map<string, Channel>();
    n.channels.forEach((c, i) => {
      if (byName.has(c.name)) ctx.addIssue({ code: "custom", path: ["channels", i, "name"], message: `channel name '${c.name}' is used twice` });
      byName.set(c.name, c);
    });
    n.routes.forEach((r, i) => {
      r.channels.forEach((name, j) => {
        const c = byName.get(name);
        if (!c) {
          ctx.addIssue({ code: "custom", path: ["routes", i, "channels", j], message: `no channel named '${name}'; channels: ${[...byName.keys()].join(", ")}` });
          return;
        }
        if (PERSONAL_EVENTS.includes(r.event) && c.kind !== "email")
          ctx.addIssue({
            code: "custom",
            path: ["routes", i, "channels", j],
            message: `${r.event} is about one person and goes only to the people concerned, by email; '${name}' is a ${c.kind} group channel`,
          });
        if (c.kind === "email" && !PERSONAL_EVENTS.includes(r.event)) {
          const list = r.event === "run_failed" || r.event === "quarantine_high" ? c.operators : c.to;
          if (!list.length)
            ctx.addIssue({
              code: "custom",
              path: ["routes", i, "channels", j],
              message: `email channel '${name}' has no ${r.event === "run_failed" || r.event === "quarantine_high" ? "operators" : "to"}: addresses for ${r.event}`,
            });
        }
      });
    });
  });
export type Notifications = z.infer<typeof Notifications>;
