/**
 * Local stand-ins for the vendors' group robots and an SMTP inbox, checking what each vendor documents: the path, the
 * JSON payload's shape, the signature (DingTalk: HmacSHA256 keyed with the secret over "timestamp\nsecret" in the query;
 * Feishu: HmacSHA256 keyed with "timestamp\nsecret" over nothing, in the body), and the answers they give (WeCom and
 * DingTalk {errcode, errmsg}, Feishu {code, msg}, Slack "ok" or an error word with its HTTP status).
 * Faults can be queued per robot: a 500, a hang past the client's timeout, a refused signature.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export type Robot = "wecom" | "dingtalk" | "feishu" | "slack";
export type Fault = "500" | "hang" | "badsign";

export interface Received {
  robot: Robot;
  body: Record<string, unknown>;
  /** the message text as a person reads it */
  text: string;
}

export interface Mail {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export const WECOM_KEY = "693a91f6-test-key";
export const DINGTALK_TOKEN = "ding-access-token";
export const DINGTALK_SECRET = "SEC0123456789abcdef";
export const FEISHU_HOOK = "5e3d587e-test-hook";
export const FEISHU_SECRET = "feishu-secret-42";
export const SLACK_PATH = "/services/T000/B000/XXXX";

const ONE_HOUR_MS = 3_600_000;

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class FakeRobots {
  received: Received[] = [];
  /** every request, accepted or not */
  requests: Array<{ robot: Robot | "unknown"; status: number; answer: string }> = [];
  faults: Record<Robot, Fault[]> = { wecom: [], dingtalk: [], feishu: [], slack: [] };
  private server: Server;
  url = "";

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** the webhook addresses as a config's environment would hold them */
  env(): Record<string, string> {
    return {
      WECOM_WEBHOOK: `${this.url}/cgi-bin/webhook/send?key=${WECOM_KEY}`,
      DINGTALK_WEBHOOK: `${this.url}/robot/send?access_token=${DINGTALK_TOKEN}`,
      DINGTALK_SECRET,
      FEISHU_WEBHOOK: `${this.url}/open-apis/bot/v2/hook/${FEISHU_HOOK}`,
      FEISHU_SECRET,
      SLACK_WEBHOOK: `${this.url}${SLACK_PATH}`,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const u = new URL(req.url ?? "/", "http://x");
    const robot: Robot | "unknown" = u.pathname === "/cgi-bin/webhook/send"
      ? "wecom"
      : u.pathname === "/robot/send"
        ? "dingtalk"
        : u.pathname.startsWith("/open-apis/bot/v2/hook/")
          ? "feishu"
          : u.pathname.startsWith("/services/")
            ? "slack"
            : "unknown";
    const answer = (status: number, body: unknown) => {
      const text = typeof body === "string" ? body : JSON.stringify(body);
      this.requests.push({ robot, status, answer: text });
      res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json" });
      res.end(text);
    };
    if (robot === "unknown" || req.method !== "POST") return answer(404, "no_service");
    const fault = this.faults[robot].shift();
    if (fault === "hang") return; // no answer: the client's timeout ends it (closeAllConnections at stop)
    if (fault === "500") return answer(500, robot === "slack" ? "rollup_error" : { errcode: -1, errmsg: "system busy" });
    if (!/application\/json/.test(req.headers["content-type"] ?? "")) return answer(400, robot === "slack" ? "invalid_payload" : { errcode: 40008, errmsg: "invalid message type" });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw);
    } catch {
      return answer(400, robot === "slack" ? "invalid_payload" : { errcode: 40035, errmsg: "invalid json" });
    }
    const now = Date.now();
    switch (robot) {
      case "wecom": {
        if (u.searchParams.get("key") !== WECOM_KEY) return answer(200, { errcode: 93000, errmsg: "invalid webhook url" });
        const type = body.msgtype;
        const content = (body[type as string] as { content?: unknown } | undefined)?.content;
        if ((type !== "text" && type !== "markdown") || typeof content !== "string" || !content)
          return answer(200, { errcode: 40008, errmsg: "invalid message type" });
        if (Buffer.byteLength(content) > (type === "text" ? 2048 : 4096)) return answer(200, { errcode: 40058, errmsg: "content exceed max length" });
        this.received.push({ robot, body, text: content });
        return answer(200, { errcode: 0, errmsg: "ok" });
      }
      case "dingtalk": {
        if (u.searchParams.get("access_token") !== DINGTALK_TOKEN) return answer(200, { errcode: 300001, errmsg: "token is not exist" });
        const ts = u.searchParams.get("timestamp") ?? "";
        const sign = u.searchParams.get("sign") ?? "";
        const expected = createHmac("sha256", DINGTALK_SECRET).update(`${ts}\n${DINGTALK_SECRET}`).digest("base64");
        if (fault === "badsign" || !/^\d{13}$/.test(ts) || Math.abs(now - Number(ts)) > ONE_HOUR_MS || !same(sign, expected))
          return answer(200, { errcode: 310000, errmsg: "sign not match" });
        const md = body.markdown as { title?: unknown; text?: unknown } | undefined;
        const text = body.msgtype === "markdown" ? md?.text : (body.text as { content?: unknown } | undefined)?.content;
        if ((body.msgtype === "markdown" && (typeof md?.title !== "string" || !md.title)) || typeof text !== "string" || !text)
          return answer(200, { errcode: 40035, errmsg: "缺少参数 json" });
        this.received.push({ robot, body, text });
        return answer(200, { errcode: 0, errmsg: "ok" });
      }
      case "feishu": {
        if (!u.pathname.endsWith(`/${FEISHU_HOOK}`)) return answer(200, { code: 19001, msg: "param invalid: incoming webhook access token invalid" });
        const ts = String(body.timestamp ?? "");
        const expected = createHmac("sha256", `${ts}\n${FEISHU_SECRET}`).update("").digest("base64");
        if (fault === "badsign" || !/^\d{10}$/.test(ts) || Math.abs(now / 1000 - Number(ts)) > 3600 || !same(String(body.sign ?? ""), expected))
          return answer(200, { code: 19021, msg: "sign match fail or timestamp is not within one hour from current time" });
        const text = (body.content as { text?: unknown } | undefined)?.text;
        if (body.msg_type !== "text" || typeof text !== "string" || !text) return answer(200, { code: 9499, msg: "Bad Request" });
        this.received.push({ robot, body, text });
        return answer(200, { code: 0, msg: "success", data: {} });
      }
      case "slack": {
        if (u.pathname !== SLACK_PATH) return answer(404, "no_service");
        if (typeof body.text !== "string" || !body.text) return answer(400, "invalid_payload");
        this.received.push({ robot, body, text: body.text });
        return answer(200, "ok");
      }
    }
  }
}

/** A local SMTP inbox: accepts any login, parses each message (subject and text decoded). */
export class FakeInbox {
  mails: Mail[] = [];
  /** reply codes to answer the next messages with (e.g. 451: try again later) */
  rejectNext: number[] = [];
  private server: SMTPServer;
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onAuth: (_auth, _session, cb) => cb(null, { user: "test" }),
      onData: (stream, session, cb) => {
        const code = this.rejectNext.shift();
        simpleParser(stream)
          .then((m) => {
            if (code) {
              const err = new Error("Requested action aborted: try again later") as Error & { responseCode: number };
              err.responseCode = code;
              return cb(err);
            }
            this.mails.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: m.subject ?? "",
              text: m.text ?? "",
            });
            cb();
          })
          .catch((e: Error) => cb(e));
      },
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
