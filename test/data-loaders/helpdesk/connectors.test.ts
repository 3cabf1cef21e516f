/**
 * The Zendesk and Jira connectors against a local fake that speaks their documented formats and misbehaves:
 * 429 with Retry-After, 500, a timeout, a truncated body, a page served twice, overlapping pages.
 * Every record must land exactly once, the cursor must make the next run fetch only what changed, and the
 * secret must appear nowhere but in the request header.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GenericSource } from "../../../core/config/api-sources.ts";
import { ingestSources } from "../../../data-loaders/ingest/ingest.ts";
import { Warehouse } from "../../../core/db/warehouse.ts";
import { type FakeHelpdesk, startFakeHelpdesk } from "../../helpers/fake-helpdesk.ts";
import { apiConfig, SECRET, TOKEN_ENV } from "../../helpers/sources.ts";
import { tempDir, TZ } from "../../helpers/warehouse.ts";

let dir: string;
let cleanup: () => void;
let fake: FakeHelpdesk | null = null;
let wh: Warehouse | null = null;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  process.env[TOKEN_ENV] = SECRET;
});
afterEach(async () => {
  wh?.close();
  wh = null;
  await fake?.close();
  fake = null;
  cleanup();
});

async function ingest(cfg: ReturnType<typeof apiConfig>, logs: string[] = []) {
  wh ??= await Warehouse.open(cfg.warehouse, { timezone: TZ });
  return ingestSources(wh, cfg, { start() {}, file() {}, done() {}, log: (l) => logs.push(l) });
}

describe("helpdesk connectors", () => {
  it("store every record exactly once through 429, 500, timeout, truncated body and repeated pages", async () => {
    fake = await startFakeHelpdesk({
      tickets: 50,
      ratings: 20,
      issues: 30,
      pageSize: 10,
      overlap: 2,
      hangMs: 2000,
      faults: [
        { route: "zendesk-tickets", nth: 2, kind: "429" },
        { route: "zendesk-tickets", nth: 3, kind: "500" },
        { route: "zendesk-tickets", nth: 4, kind: "timeout" },
        { route: "zendesk-tickets", nth: 5, kind: "truncated" },
        { route: "zendesk-tickets", nth: 7, kind: "repeat" },
        { route: "zendesk-ratings", nth: 1, kind: "500" },
        { route: "zendesk-ratings", nth: 3, kind: "repeat" },
        { route: "jira-search", nth: 1, kind: "429" },
        { route: "jira-search", nth: 2, kind: "truncated" },
        { route: "jira-search", nth: 4, kind: "timeout" },
        { route: "jira-search", nth: 5, kind: "repeat" },
      ],
    });
    const cfg = apiConfig(dir, fake.url);
    const logs: string[] = [];
    const result = await ingest(cfg, logs);
    expect(result.errors).toEqual([]);
    const db = wh!;
    const counts = await db.all<{ source: string; n: number; ids: number; current: number }>(
      "SELECT source, count(*) AS n, count(DISTINCT ticket_id) AS ids, count(*) FILTER (WHERE _current) AS current FROM raw.tickets GROUP BY source ORDER BY source",
    );
    expect(counts).toEqual([
      { source: "jira", n: 30, ids: 30, current: 30 },
      { source: "zendesk", n: 50, ids: 50, current: 50 },
    ]);
    expect(Number(await db.value("SELECT count(*) FROM raw.csat"))).toBe(20);
    expect(Number(await db.value("SELECT count(DISTINCT response_id) FROM raw.csat"))).toBe(20);
    expect(await db.all("SELECT field, reason FROM meta.quarantine")).toEqual([]);
    // every fault was met and retried, with a log line naming it
    expect(logs.join("\n")).toMatch(/429 Too Many Requests.*Retry-After/);
    expect(logs.join("\n")).toMatch(/500 Internal Server Error/);
    expect(logs.join("\n")).toMatch(/no answer within 0.5 s/);
    expect(logs.join("\n")).toMatch(/body was cut off|not complete JSON/);
    // 4 overlaps of 2 records and one page of 12 served twice: dropped in the buffer, or as unchanged copies by the loader
    const tickets = result.streams.find((s) => s.stream === "tickets")!;
    expect(tickets.repeats + tickets.batches.reduce((a, b) => a + b.unchanged, 0)).toBe(4 * 2 + 12);

    // mapped values: metrics sideloaded, SLA fields reduced, agents matched through helpdesk_login
    const zd = await db.one<Record<string, unknown>>(
      "SELECT ticket_id, status, priority, assignee_id, reopen_count, strftime(first_response_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') AS fr, customer_id FROM raw.tickets WHERE ticket_id = 'ZD-1000'",
    );
    expect(zd).toEqual({ ticket_id: "ZD-1000", status: "resolved", priority: "urgent", assignee_id: "Z0", reopen_count: 1, fr: "2026-09-01 00:30", customer_id: "ZD-9000" });
    const jira = await db.one<Record<string, unknown>>(
      "SELECT status, priority, assignee_id, sla_breached, strftime(first_response_at AT TIME ZONE 'UTC', '%H:%M') AS fr FROM raw.tickets WHERE ticket_id = 'SD-1'",
    );
    expect(jira).toEqual({ status: "resolved", priority: "urgent", assignee_id: "J0", sla_breached: true, fr: "00:20" });
    const csat = await db.one("SELECT score, scale, agent_id, ticket_id FROM raw.csat WHERE response_id = 'ZD-CSAT-7000'");
    expect(csat).toEqual({ score: 0, scale: "good_bad", agent_id: "Z0", ticket_id: "ZD-1000" });

    // the secret is only ever in the request header
    expect(fake.authFailures).toBe(0);
    const stored = await db.all<{ t: string }>(
      "SELECT concat_ws('|', source, file) AS t FROM meta.batches UNION ALL SELECT cursor::VARCHAR FROM meta.source_cursors UNION ALL SELECT concat_ws('|', file, value, reason) FROM meta.quarantine",
    );
    expect(stored.map((r) => r.t).join("\n")).not.toContain(SECRET);
    expect(logs.join("\n")).not.toContain(SECRET);
    expect(logs.join("\n")).not.toContain(Buffer.from(`admin@example.com/token:${SECRET}`).toString("base64"));

    // a second run fetches only what changed: one page per stream, nothing new stored
    const before = { ...fake.counts };
    const again = await ingest(cfg);
    expect(again.errors).toEqual([]);
    expect(fake.counts["zendesk-tickets"] - before["zendesk-tickets"]).toBe(1);
    expect(Number(await db.value("SELECT count(*) FROM raw.tickets"))).toBe(80);
    expect(Number(await db.value("SELECT count(*) FROM raw.csat"))).toBe(20);
  });

  it("pages Jira by startAt on the classic search", async () => {
    fake = await startFakeHelpdesk({ tickets: 0, ratings: 0, issues: 25, pageSize: 10 });
    const cfg = apiConfig(dir, fake.url);
    cfg.api_sources = cfg.api_sources.filter((s) => s.kind === "jira").map((s) => ({ ...s, pagination: "offset" as const }));
    const result = await ingest(cfg);
    expect(result.errors).toEqual([]);
    expect(Number(await wh!.value("SELECT count(DISTINCT ticket_id) FROM raw.tickets"))).toBe(25);
  });

  it("says which variable to set when the secret is missing, and stores nothing", async () => {
    fake = await startFakeHelpdesk();
    delete process.env[TOKEN_ENV];
    const result = await ingest(apiConfig(dir, fake.url));
    expect(result.errors.join("\n")).toContain(`the environment variable ${TOKEN_ENV} is not set`);
    expect(Number(await wh!.value("SELECT count(*) FROM raw.tickets"))).toBe(0);
  });
});

describe("generic JSON-over-HTTP source", () => {
  it("follows a cursor, maps fields with an inline mapping, and fetches only what changed next time", async () => {
    fake = await startFakeHelpdesk({ tickets: 0, ratings: 0, issues: 0, generic: 23, pageSize: 10, overlap: 1, faults: [{ route: "generic", nth: 2, kind: "500" }] });
    const base = apiConfig(dir, fake.url);
    const cfg = {
      ...base,
      api_sources: [
        GenericSource.parse({
          kind: "http",
          name: "survey-api",
          url: `${fake.url}/generic/responses`,
          auth: { header: "Authorization", scheme: "Basic", token_env: TOKEN_ENV },
          headers: {},
          records_path: "data.items",
          pagination: { kind: "cursor", path: "paging.next_cursor", param: "cursor" },
          incremental: { param: "updated_since", field: "meta.updated", format: "iso" },
          id_field: "uuid",
          mapping: {
            table: "csat",
            agent_match: ["helpdesk_login"],
            columns: {
              response_id: { column: "uuid", prefix: "SV-" },
              ticket_id: "answers.ticket",
              agent_id: "agent_login",
              submitted_at: "meta.submitted",
              score: "answers.rating",
            },
          },
          start: "2026-08-01",
          timeout_seconds: 5,
          retries: 3,
          backoff_ms: 10,
          max_retry_after_seconds: 60,
          batch_records: 100,
        }),
      ],
    };
    // the fake checks Basic auth ends with ":<secret>": give the generic source a matching token
    process.env[TOKEN_ENV] = Buffer.from(`x:${SECRET}`).toString("base64");
    const r = await ingest(cfg);
    expect(r.errors).toEqual([]);
    expect(await wh!.all("SELECT count(*)::INT AS n, count(DISTINCT response_id)::INT AS ids, min(agent_id) AS a FROM raw.csat")).toEqual([{ n: 23, ids: 23, a: "Z0" }]);
    const before = fake.counts.generic;
    await ingest(cfg);
    // the next run asks only for records updated since the last one seen: a single page
    expect(fake.counts.generic - before).toBe(1);
    expect(Number(await wh!.value("SELECT count(*) FROM raw.csat"))).toBe(23);
  });
});
