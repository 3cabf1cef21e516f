/**
 * `appraisal notify`: find the events (events.ts), render each for its routes' channels (templates.ts) and send it
 * (channels.ts), exactly once per event, channel and recipient: the send is recorded as 'sending' before the message
 * leaves and as 'sent' or 'failed' after, each outcome with an audit entry. Within a run a send is retried with
 * exponential backoff; one that still fails stays 'failed' and is tried again on the next run. A row left 'sending'
 * (the process died mid-send: the message may or may not have arrived) becomes 'unknown' and is not sent again
 * unless `--resend KEY` asks for it. `--dry-run` prints what would be sent and records nothing.
 */
import { createHash } from "node:crypto";
import pRetry, { AbortError } from "p-retry";
import { appendAudit } from "../../core/audit.ts";
import { type Channel, type Notifications, PERSONAL_EVENTS } from "../../core/config/notifications.ts";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { localDate } from "../rules/calendar.ts";
import { type Message, SendError, sendOn, TransientSendError } from "./channels.ts";
import { findEvents } from "./events.ts";
import { type NotifyEvent, render } from "./templates.ts";

export interface NotifyOptions {
  config: Notifications;
  language: "en" | "zh-CN";
  timezone: string;
  holidays: string[];
  /** the department's working days (business-hours calendar): the appeal deadline's reminder counts them */
  workingDay?: (day: string) => boolean;
  /** the moment of the run (tests pass a fixed one) */
  asOf?: Date;
  dryRun?: boolean;
  /** event keys whose 'unknown' (or sent) sends may go out again */
  resend?: string[];
  log?: (line: string) => void;
}

export interface Delivery {
  key: string;
  event: string;
  channel: string;
  recipient: string;
  outcome: "sent" | "failed" | "skipped" | "unknown" | "would send";
  attempts: number;
  message: Message;
  error?: string;
}

export interface NotifyResult {
  events: number;
  deliveries: Delivery[];
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/** Who gets an event on a channel: '' for a group; addresses for email (a message per person for personal events). */
function recipientsFor(e: NotifyEvent, c: Channel): string[][] {
  if (c.kind !== "email") return [[]];
  if (PERSONAL_EVENTS.includes(e.kind)) {
    const people = [...(e.recipients ?? []), ...(e.kind === "tracker_flag" ? c.hr : [])];
    return [...new Set(people)].map((p) => [p]);
  }
  const list = e.kind === "run_failed" || e.kind === "quarantine_high" ? c.operators : c.to;
  return list.length ? [[...list].sort()] : [];
}

export async function notify(wh: Warehouse, o: NotifyOptions): Promise<NotifyResult> {
  const cfg = o.config;
  const now = o.asOf ?? new Date();
  const log = o.log ?? (() => {});
  const maxAge = new Date(now.getTime() - cfg.max_age_days * 86_400_000).toISOString();
  const since = cfg.since && `${cfg.since}T00:00:00.000Z` > maxAge ? `${cfg.since}T00:00:00.000Z` : maxAge;
  const events = await findEvents(wh, {
    since,
    today: localDate(now, o.timezone),
    holidays: o.holidays,
    workingDay: o.workingDay,
    deadlineReminderDays: cfg.deadline_reminder_working_days,
    quarantineThreshold: cfg.quarantine_threshold,
  });
  const channels = new Map(cfg.channels.map((c) => [c.name, c]));
  const urls = { staff: cfg.base_url, management: cfg.management_url ?? cfg.base_url };
  const lang = cfg.language ?? o.language;
  const deliveries: Delivery[] = [];

  // sends left half-way by a process that died: their outcome is unknown; never sent again without --resend
  if (!o.dryRun) {
    const stale = await wh.all<{ event_key: string; channel: string }>("SELECT event_key, channel FROM meta.notifications WHERE state = 'sending'");
    if (stale.length) {
      await wh.run("UPDATE meta.notifications SET state = 'unknown', last_error = 'the process stopped while sending: the message may or may not have arrived' WHERE state = 'sending'");
      for (const s of stale) log(`${s.event_key} on ${s.channel}: a send was interrupted; not sent again (check the channel, then 'appraisal notify --resend ${s.event_key}' if it did not arrive)`);
    }
  }

  for (const e of events) {
    for (const route of cfg.routes.filter((r) => r.event === e.kind)) {
      for (const name of route.channels) {
        const channel = channels.get(name)!;
        const message = render(e, lang, urls);
        const groups = recipientsFor(e, channel);
        if (!groups.length && PERSONAL_EVENTS.includes(e.kind))
          log(`${e.key} on ${name}: nobody to send it to (${e.no_recipient ?? "no address"}); add the address to the roster`);
        for (const to of groups) {
          const recipient = to.join(",");
          const d = await deliver(wh, { e, channel, to, recipient, message, lang, now, dryRun: o.dryRun, resend: o.resend?.includes(e.key), cfg, log });
          deliveries.push(d);
        }
      }
    }
  }
  return { events: events.length, deliveries };
}

interface DeliverArgs {
  e: NotifyEvent;
  channel: Channel;
  to: string[];
  recipient: string;
  message: Message;
  lang: string;
  now: Date;
  dryRun?: boolean;
  resend?: boolean;
  cfg: Notifications;
  log: (line: string) => void;
}

async function deliver(wh: Warehouse, a: DeliverArgs): Promise<Delivery> {
  const { e, channel, recipient, message } = a;
  const base = { key: e.key, event: e.kind, channel: channel.name, recipient, message };
  const prior = await wh.one<{ state: string; attempts: number }>(
    "SELECT state, attempts FROM meta.notifications WHERE event_key = $k AND channel = $c AND recipient = $r",
    { k: e.key, c: channel.name, r: recipient },
  );
  if (prior && (prior.state === "sent" || prior.state === "unknown") && !a.resend) return { ...base, outcome: prior.state === "sent" ? "skipped" : "unknown", attempts: prior.attempts };
  if (a.dryRun) return { ...base, outcome: "would send", attempts: prior?.attempts ?? 0 };

  const at = () => new Date().toISOString();
  const digest = sha(`${message.title}\n${message.text}`);
  // recorded before the message leaves: a crash from here on leaves 'sending', which the next run will not repeat
  await wh.run(
    `INSERT INTO meta.notifications VALUES ($k, $c, $r, $ev, 'sending', 1, $lang, $title, $sha, $at::TIMESTAMPTZ, $at::TIMESTAMPTZ, NULL, NULL)
     ON CONFLICT (event_key, channel, recipient) DO UPDATE SET state = 'sending', attempts = meta.notifications.attempts + 1,
       last_at = excluded.last_at, title = excluded.title, message_sha256 = excluded.message_sha256`,
    { k: e.key, c: channel.name, r: recipient, ev: e.kind, lang: a.lang, title: message.title, sha: digest, at: at() },
  );
  let tries = 0;
  let error: string | undefined;
  try {
    await pRetry(
      async () => {
        tries++;
        try {
          await sendOn(channel, message, a.to, a.cfg.timeout_seconds * 1000);
        } catch (err) {
          if (err instanceof TransientSendError) throw err;
          throw new AbortError(err instanceof SendError ? err.message : (err as Error).message);
        }
      },
      {
        retries: a.cfg.retries,
        minTimeout: a.cfg.backoff_ms,
        maxTimeout: Math.max(a.cfg.backoff_ms, 60_000),
        factor: 2,
        onFailedAttempt: ({ error: err, attemptNumber, retriesLeft }) => {
          a.log(`${e.key} on ${channel.name}: ${err.message}; attempt ${attemptNumber} of ${attemptNumber + retriesLeft}${retriesLeft ? ", retrying with backoff" : ""}`);
        },
      },
    );
  } catch (err) {
    error = (err as Error).message;
  }
  const outcome = error ? "failed" : "sent";
  await wh.transaction(async () => {
    await wh.run(
      `UPDATE meta.notifications SET state = $s, last_at = $at::TIMESTAMPTZ, sent_at = CASE WHEN $s = 'sent' THEN $at::TIMESTAMPTZ END, last_error = $err
       WHERE event_key = $k AND channel = $c AND recipient = $r`,
      { s: outcome, at: at(), err: error?.slice(0, 2000) ?? null, k: e.key, c: channel.name, r: recipient },
    );
    await appendAudit(wh, {
      action: "notify",
      subject: `${e.key} -> ${channel.name}`,
      detail: { event: e.kind, channel: channel.name, kind: channel.kind, recipient, outcome, tries, message_sha256: digest, error: error ?? null },
    });
  });
  return { ...base, outcome, attempts: (prior?.attempts ?? 0) + 1, ...(error ? { error } : {}) };
}
