/**
 * A local helpdesk on 127.0.0.1 for tests: speaks the documented Zendesk (incremental ticket export with
 * sideloaded metric sets; satisfaction ratings with cursor pagination) and Jira (search/jql with nextPageToken;
 * classic search with startAt) response formats over a deterministic data set, and injects faults on chosen
 * requests: 429 with Retry-After, 500, a timeout, a truncated body, a page served twice.
 * Runnable on its own (for the crash test's child processes): `tsx test/helpers/fake-helpdesk.ts <port-file>`.
 */
import { writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FaultKind = "429" | "500" | "timeout" | "truncated" | "repeat";
export interface Fault {
  /** route: zendesk-tickets | zendesk-ratings | jira-search */
  route: Route;
  /** the n-th request to the route (1-based) */
  nth: number;
  kind: FaultKind;
}
type Route = "zendesk-tickets" | "zendesk-ratings" | "jira-search" | "generic";

export interface FakeOptions {
  tickets?: number;
  ratings?: number;
  issues?: number;
  /** records of the generic JSON source */
  generic?: number;
  pageSize?: number;
  /** each page after the first repeats this many records of the page before (overlapping pages) */
  overlap?: number;
  faults?: Fault[];
  /** the secret the fake expects (Basic auth for Zendesk "{email}/token:{secret}", Jira "{email}:{secret}") */
  secret?: string;
  /** milliseconds a timed-out request hangs before the server gives up on it */
  hangMs?: number;
  /** delay before each answer, to make runs last long enough to be killed in the middle */
  delayMs?: number;
  /** every request waits for this before it is answered: holds a run in the middle until a test lets it go */
  gate?: Promise<void>;
}

const BASE = Date.parse("2026-09-01T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
/** Jira's format: 2026-09-01T08:00:00.000+0800 */
const jiraTime = (ms: number) => `${new Date(ms + 8 * 3600_000).toISOString().replace("Z", "")}+0800`;

export function zendeskTicket(i: number) {
  const created = BASE + i * 3_600_000;
  const solved = i % 2 === 0;
  return {
    ticket: {
      id: 1000 + i,
      url: `https://example.zendesk.com/api/v2/tickets/${1000 + i}.json`,
      created_at: iso(created),
      updated_at: iso(created + 2 * 3_600_000),
      status: solved ? "solved" : "open",
      priority: ["urgent", "high", "normal", "low", null][i % 5],
      type: "question",
      subject: `Printer ${i} on fire`,
      description: "private text the connector must drop",
      assignee_id: 500 + (i % 4),
      requester_id: 9000 + i,
      group_id: 77,
      due_at: null,
      via: { channel: "email" },
      tags: ["x"],
    },
    metric: {
      id: 5000 + i,
      ticket_id: 1000 + i,
      reopens: i % 3 === 0 ? 1 : 0,
      replies: 2,
      solved_at: solved ? iso(created + 2 * 3_600_000) : null,
      reply_time_in_minutes: { calendar: 30 + i, business: 20 },
      full_resolution_time_in_minutes: { calendar: solved ? 120 : null, business: null },
      updated_at: iso(created + 2 * 3_600_000),
    },
  };
}

export function zendeskRating(i: number) {
  return {
    id: 7000 + i,
    url: `https://example.zendesk.com/api/v2/satisfaction_ratings/${7000 + i}.json`,
    ticket_id: 1000 + i,
    assignee_id: 500 + (i % 4),
    requester_id: 9000 + i,
    score: i % 4 === 0 ? "bad" : "good",
    comment: i % 2 ? "thanks" : null,
    created_at: iso(BASE + i * 3_600_000 + 3 * 3_600_000),
    updated_at: iso(BASE + i * 3_600_000 + 4 * 3_600_000),
  };
}

export function jiraIssue(i: number) {
  const created = BASE + i * 3_600_000;
  const done = i % 2 === 0;
  const cycle = (start: number, stop: number, breach: number) => ({
    startTime: { iso8601: jiraTime(start), epochMillis: start },
    stopTime: { iso8601: jiraTime(stop), epochMillis: stop },
    breachTime: { iso8601: jiraTime(breach), epochMillis: breach },
    breached: stop > breach,
    goalDuration: { millis: breach - start },
  });
  return {
    id: String(20000 + i),
    key: `SD-${i + 1}`,
    self: `https://example.atlassian.net/rest/api/3/issue/${20000 + i}`,
    fields: {
      summary: `VPN ${i} down`,
      created: jiraTime(created),
      updated: jiraTime(created + 90 * 60_000),
      resolutiondate: done ? jiraTime(created + 90 * 60_000) : null,
      status: { name: done ? "Resolved" : "In Progress", statusCategory: { key: done ? "done" : "indeterminate" } },
      priority: { name: ["Highest", "High", "Medium", "Low"][i % 4] },
      issuetype: { name: "Service Request" },
      resolution: done ? { name: "Done" } : null,
      assignee: { accountId: `acc-${i % 4}`, displayName: "someone" },
      reporter: { accountId: `cust-${i}`, emailAddress: "private@example.com" },
      customfield_10031: { id: "1", name: "Time to first response", completedCycles: [cycle(created, created + 20 * 60_000, created + 60 * 60_000)] },
      customfield_10030: done
        ? { id: "2", name: "Time to resolution", completedCycles: [cycle(created, created + 90 * 60_000, created + (i % 3 === 0 ? 60 : 240) * 60_000)] }
        : {
            id: "2",
            name: "Time to resolution",
            completedCycles: [],
            ongoingCycle: { startTime: { iso8601: jiraTime(created) }, breachTime: { iso8601: jiraTime(created + 240 * 60_000) }, breached: false, paused: false },
          },
    },
  };
}

/** a record of the generic JSON source: a survey tool's CSAT response */
export function genericRecord(i: number) {
  return {
    uuid: `r-${i}`,
    answers: { rating: 1 + (i % 5), ticket: `ZD-${1000 + i}` },
    agent_login: String(500 + (i % 4)),
    meta: { submitted: iso(BASE + i * 3_600_000), updated: iso(BASE + i * 3_600_000 + 60_000) },
  };
}

export interface FakeHelpdesk {
  url: string;
  port: number;
  /** requests per route */
  counts: Record<Route, number>;
  /** every Authorization header seen was the expected one */
  authFailures: number;
  /** the helpdesk gets more records (the next ones of each kind, later in time): what the next sync finds */
  grow(more: { tickets?: number; ratings?: number; issues?: number }): void;
  close(): Promise<void>;
}

const b64 = (s: string) => Buffer.from(s).toString("base64url");
const unb64 = (s: string) => Buffer.from(s, "base64url").toString();

export async function startFakeHelpdesk(opts: FakeOptions = {}): Promise<FakeHelpdesk> {
  let nTickets = opts.tickets ?? 50;
  let nRatings = opts.ratings ?? 20;
  let nIssues = opts.issues ?? 30;
  const size = opts.pageSize ?? 10;
  const overlap = opts.overlap ?? 0;
  const secret = opts.secret ?? "s3cret-token";
  const counts: Record<Route, number> = { "zendesk-tickets": 0, "zendesk-ratings": 0, "jira-search": 0, generic: 0 };
  const lastBody: Partial<Record<Route, string>> = {};
  const state = { authFailures: 0 };
  const hanging = new Set<ServerResponse>();

  /** page k covers [start, end): pages after the first start `overlap` records early */
  const slice = (total: number, from: number) => {
    const start = Math.max(0, from - (from > 0 ? overlap : 0));
    const end = Math.min(total, from + size);
    return { start, end };
  };

  const answer = (route: Route, req: IncomingMessage, res: ServerResponse, body: () => unknown) => {
    const n = ++counts[route];
    const fault = opts.faults?.find((f) => f.route === route && f.nth === n);
    if (fault?.kind === "429") {
      res.writeHead(429, { "retry-after": "1", "content-type": "application/json" }).end('{"error":"TooManyRequests"}');
      return;
    }
    if (fault?.kind === "500") {
      res.writeHead(500, { "content-type": "application/json" }).end('{"error":"InternalError"}');
      return;
    }
    if (fault?.kind === "timeout") {
      hanging.add(res);
      setTimeout(() => {
        hanging.delete(res);
        res.destroy();
      }, opts.hangMs ?? 3000);
      return;
    }
    const text = fault?.kind === "repeat" && lastBody[route] ? lastBody[route]! : JSON.stringify(body());
    lastBody[route] = text;
    if (fault?.kind === "truncated") {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      setTimeout(() => res.destroy(), 20);
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(text);
    void req;
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? "/", "http://127.0.0.1");
    const auth = req.headers.authorization ?? "";
    const decoded = auth.startsWith("Basic ") ? Buffer.from(auth.slice(6), "base64").toString() : "";
    if (!decoded.endsWith(`:${secret}`)) {
      state.authFailures++;
      res.writeHead(401).end('{"error":"Couldn\'t authenticate you"}');
      return;
    }
    const base = `http://${req.headers.host}`;
    if (u.pathname === "/api/v2/incremental/tickets/cursor.json") {
      const from = u.searchParams.has("cursor")
        ? Number(unb64(u.searchParams.get("cursor")!))
        : (() => {
            const t = Number(u.searchParams.get("start_time")) * 1000;
            let i = 0;
            while (i < nTickets && Date.parse(zendeskTicket(i).ticket.updated_at) < t) i++;
            return i;
          })();
      return answer("zendesk-tickets", req, res, () => {
        const { start, end } = slice(nTickets, from);
        const items = Array.from({ length: end - start }, (_, k) => zendeskTicket(start + k));
        const cursor = b64(String(end));
        return {
          tickets: items.map((x) => x.ticket),
          metric_sets: u.searchParams.get("include") === "metric_sets" ? items.map((x) => x.metric) : undefined,
          after_url: `${base}/api/v2/incremental/tickets/cursor.json?cursor=${cursor}`,
          after_cursor: cursor,
          before_url: null,
          before_cursor: null,
          end_of_stream: end >= nTickets,
        };
      });
    }
    if (u.pathname === "/api/v2/satisfaction_ratings.json") {
      const t = Number(u.searchParams.get("start_time") ?? 0) * 1000;
      const firstIdx = (() => {
        let i = 0;
        while (i < nRatings && Date.parse(zendeskRating(i).created_at) < t) i++;
        return i;
      })();
      const from = u.searchParams.has("page[after]") ? Number(unb64(u.searchParams.get("page[after]")!)) : firstIdx;
      return answer("zendesk-ratings", req, res, () => {
        const { start, end } = slice(nRatings, from);
        const more = end < nRatings;
        const after = b64(String(end));
        return {
          satisfaction_ratings: Array.from({ length: end - start }, (_, k) => zendeskRating(start + k)),
          meta: { has_more: more, after_cursor: after, before_cursor: b64(String(start)) },
          links: { next: more ? `${base}/api/v2/satisfaction_ratings.json?page[after]=${after}` : null, prev: null },
        };
      });
    }
    if (u.pathname === "/rest/api/3/search/jql" || u.pathname === "/rest/api/2/search") {
      const jql = u.searchParams.get("jql") ?? "";
      const m = /updated >= "(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2})"/.exec(jql);
      // the fake's API user is in Asia/Shanghai (+08:00)
      const since = m ? Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00+08:00`) : 0;
      const matching = Array.from({ length: nIssues }, (_, i) => i).filter((i) => BASE + i * 3_600_000 + 90 * 60_000 >= since);
      const token = u.pathname.endsWith("/jql");
      const from = token ? Number(unb64(u.searchParams.get("nextPageToken") ?? b64("0"))) : Number(u.searchParams.get("startAt") ?? 0);
      return answer("jira-search", req, res, () => {
        const { start, end } = slice(matching.length, from);
        const issues = matching.slice(start, end).map(jiraIssue);
        if (token) return { issues, nextPageToken: end < matching.length ? b64(String(end)) : null, isLast: end >= matching.length };
        return { startAt: start, maxResults: size, total: matching.length, issues };
      });
    }
    if (u.pathname === "/generic/responses") {
      const nGeneric = opts.generic ?? 0;
      const since = Date.parse(u.searchParams.get("updated_since") ?? "1970-01-01T00:00:00Z");
      const all = Array.from({ length: nGeneric }, (_, i) => genericRecord(i)).filter((r) => Date.parse(r.meta.updated) >= since);
      const from = Number(u.searchParams.get("cursor") ?? 0);
      return answer("generic", req, res, () => {
        const { start, end } = slice(all.length, from);
        return { data: { items: all.slice(start, end) }, paging: { next_cursor: end < all.length ? end : null } };
      });
    }
    res.writeHead(404).end('{"error":"not found"}');
  };

  const respond = (req: IncomingMessage, res: ServerResponse) => {
    if (opts.delayMs) setTimeout(() => handler(req, res), opts.delayMs);
    else handler(req, res);
  };
  const server: Server = createServer((req, res) => {
    if (opts.gate) void opts.gate.then(() => respond(req, res));
    else respond(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    counts,
    get authFailures() {
      return state.authFailures;
    },
    grow: (more) => {
      nTickets += more.tickets ?? 0;
      nRatings += more.ratings ?? 0;
      nIssues += more.issues ?? 0;
    },
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

// Standalone: serve until killed, writing the port to the file given.
if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const fake = await startFakeHelpdesk(JSON.parse(process.env.FAKE_HELPDESK_OPTIONS ?? "{}"));
  writeFileSync(process.argv[2]!, String(fake.port));
}
