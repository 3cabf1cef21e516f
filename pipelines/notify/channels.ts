/**
 * Sending one message to one channel, as each vendor documents it:
 * - WeCom (企业微信) group robot: POST JSON {msgtype: "markdown", markdown: {content}} to the webhook address; the answer
 *   is {errcode, errmsg}, errcode 0 when sent (HTTP 200 also for errors). Markdown content up to 4096 bytes.
 * - DingTalk (钉钉) custom robot with 加签: timestamp (ms) and sign = urlEncode(base64(HmacSHA256(key = secret,
 *   message = timestamp + "\n" + secret))) as query parameters; body {msgtype: "markdown", markdown: {title, text}};
 *   answer {errcode, errmsg} (310000: sign not match or the timestamp is more than an hour off).
 * - Feishu/Lark (飞书) custom bot with 签名校验: body {timestamp (s, as text), sign, msg_type: "text", content: {text}},
 *   sign = base64(HmacSHA256(key = timestamp + "\n" + secret, message = empty)); answer {code, msg} (19021: sign fail).
 * - Slack incoming webhook: POST JSON {text} (mrkdwn); 200 "ok", else 400 invalid_payload, 403 action_prohibited,
 *   404 channel_not_found / no_service, 410 channel_is_archived, 500 rollup_error.
 * - Email over SMTP with nodemailer.
 * A failure worth another try within the run (timeout, network, 5xx, 429, a vendor's rate limit) is a TransientSendError;
 * anything else fails the send at once (it is retried on the next run).
 */
import { createHmac } from "node:crypto";
import type { Channel } from "../../core/config/notifications.ts";
import { safeUrl } from "../../core/safe-url.ts";

export interface Message {
  /** a subject line or card title */
  title: string;
  /** the body as plain text (Feishu, email) */
  text: string;
  /** the body as markdown (WeCom, DingTalk, Slack mrkdwn) */
  markdown: string;
}

export class TransientSendError extends Error {}
export class SendError extends Error {}

/** DingTalk's sign for a timestamp in milliseconds (the value before URL encoding). */
export function dingtalkSign(timestampMs: number | string, secret: string): string {
  return createHmac("sha256", secret).update(`${timestampMs}\n${secret}`).digest("base64");
}

/** Feishu's sign for a timestamp in seconds: the HMAC key is the string to sign, the message is empty. */
export function feishuSign(timestampS: number | string, secret: string): string {
  return createHmac("sha256", `${timestampS}\n${secret}`).update("").digest("base64");
}

function env(name: string | undefined, channel: string, what: string): string | undefined {
  if (!name) return undefined;
  const v = process.env[name];
  if (!v) throw new SendError(`channel '${channel}': the environment variable ${name} (${what}) is not set`);
  return v;
}

/** Cut a text to at most `bytes` UTF-8 bytes, on a character boundary. */
export function truncateBytes(s: string, bytes: number): string {
  if (Buffer.byteLength(s) <= bytes) return s;
  let out = s;
  while (Buffer.byteLength(`${out}…`) > bytes) out = out.slice(0, -1);
  return `${out}…`;
}

/** Slack's mrkdwn: *bold* and <url|label> where CommonMark has **bold** and [label](url). */
export function slackMrkdwn(md: string): string {
  return md.replace(/\*\*([^*]+)\*\*/g, "*$1*").replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, "<$2|$1>");
}

async function postJson(url: string, body: unknown, timeoutMs: number): Promise<{ status: number; text: string }> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await res.text();
  } catch (e) {
    const err = e as Error;
    throw new TransientSendError(err.name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : `${err.message}${err.cause ? ` (${(err.cause as Error).message ?? err.cause})` : ""}`);
  }
  if (res.status === 429 || res.status >= 500) throw new TransientSendError(`HTTP ${res.status}: ${text.slice(0, 200)}`);
  return { status: res.status, text };
}

function jsonOf(text: string, what: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new TransientSendError(`${what} answered with something that is not JSON: ${text.slice(0, 120)}`);
  }
}

/** Send `m` on channel `c` (to `recipients` for email). Resolves when the vendor confirmed it. */
export async function sendOn(c: Channel, m: Message, recipients: string[], timeoutMs: number): Promise<void> {
  switch (c.kind) {
    case "wecom": {
      const url = env(c.webhook_env, c.name, "the robot's webhook address")!;
      const { status, text } = await postJson(url, { msgtype: "markdown", markdown: { content: truncateBytes(m.markdown, 4096) } }, timeoutMs);
      const r = jsonOf(text, "WeCom");
      if (status !== 200 || r.errcode !== 0) {
        // 45009: the robot's 20 messages a minute are used up
        if (r.errcode === 45009) throw new TransientSendError(`WeCom: rate limit (${r.errcode} ${r.errmsg})`);
        throw new SendError(`WeCom refused the message at ${safeUrl(url)}: ${r.errcode} ${r.errmsg}`);
      }
      return;
    }
    case "dingtalk": {
      const base = env(c.webhook_env, c.name, "the robot's webhook address")!;
      const secret = env(c.secret_env, c.name, "the robot's signing secret");
      const u = new URL(base);
      if (secret) {
        const ts = Date.now();
        u.searchParams.set("timestamp", String(ts));
        u.searchParams.set("sign", dingtalkSign(ts, secret));
      }
      const { status, text } = await postJson(u.toString(), { msgtype: "markdown", markdown: { title: m.title, text: m.markdown } }, timeoutMs);
      const r = jsonOf(text, "DingTalk");
      if (status !== 200 || r.errcode !== 0) {
        // 130101: more than 20 messages a minute
        if (r.errcode === 130101) throw new TransientSendError(`DingTalk: rate limit (${r.errcode} ${r.errmsg})`);
        throw new SendError(`DingTalk refused the message at ${safeUrl(base)}: ${r.errcode} ${r.errmsg}${r.errcode === 310000 ? " (check the secret and this machine's clock)" : ""}`);
      }
      return;
    }
    case "feishu": {
      const url = env(c.webhook_env, c.name, "the bot's webhook address")!;
      const secret = env(c.secret_env, c.name, "the bot's signing secret");
      const ts = Math.floor(Date.now() / 1000);
      const body = { ...(secret ? { timestamp: String(ts), sign: feishuSign(ts, secret) } : {}), msg_type: "text", content: { text: `${m.title}\n${m.text}` } };
      const { status, text } = await postJson(url, body, timeoutMs);
      const r = jsonOf(text, "Feishu");
      // the v2 hook answers {code, msg}; older ones {StatusCode, StatusMessage}
      const code = r.code ?? r.StatusCode;
      if (status !== 200 || code !== 0) {
        if (code === 11232) throw new TransientSendError(`Feishu: rate limit (${code} ${r.msg})`);
        throw new SendError(`Feishu refused the message at ${safeUrl(url)}: ${code} ${r.msg ?? r.StatusMessage}${code === 19021 ? " (check the secret and this machine's clock)" : ""}`);
      }
      return;
    }
    case "slack": {
      const url = env(c.webhook_env, c.name, "the incoming webhook's address")!;
      const { status, text } = await postJson(url, { text: slackMrkdwn(m.markdown) }, timeoutMs);
      if (status !== 200) throw new SendError(`Slack refused the message: HTTP ${status} ${text.slice(0, 120)}`);
      return;
    }
    case "email": {
      if (!recipients.length) throw new SendError(`channel '${c.name}': no recipient`);
      const user = env(c.user_env, c.name, "the SMTP user");
      const pass = env(c.password_env, c.name, "the SMTP password");
      const { default: nodemailer } = await import("nodemailer"); // loaded only by a command that sends mail
      const transport = nodemailer.createTransport({
        host: c.host,
        port: c.port,
        secure: c.secure,
        auth: user ? { user, pass: pass ?? "" } : undefined,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      });
      try {
        await transport.sendMail({ from: c.from, to: recipients, subject: m.title, text: m.text });
      } catch (e) {
        const err = e as Error & { responseCode?: number; code?: string };
        // 4xx replies and connection problems are temporary in SMTP; 5xx are permanent
        if (err.responseCode && err.responseCode >= 500) throw new SendError(`SMTP ${c.host}:${c.port} refused the message: ${err.message}`);
        throw new TransientSendError(`SMTP ${c.host}:${c.port}: ${err.message}`);
      } finally {
        transport.close();
      }
      return;
    }
  }
}
