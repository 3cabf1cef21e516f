/**
 * Jira Service Management -> raw.tickets, incrementally: issues updated since the committed watermark (less a
 * few minutes of overlap, since JQL compares dates to the minute in the API user's time zone), oldest first.
 * A record seen again in the overlap is stored once.
 */
import { throwIfStopped } from "../../../core/shutdown.ts";
import { loadMapping } from "../../mappings/schema.ts";
import type { JiraSource } from "../../../core/config/api-sources.ts";
import { readCursor } from "../cursor.ts";
import { safeUrl } from "../../../core/safe-url.ts";
import { ResponseShapeError } from "../http.ts";
import { type ApiRecord, RecordBuffer } from "../page-loader.ts";
import type { StreamResult, SyncContext } from "../sync-types.ts";
import { JiraClient } from "./client.ts";
import { type JiraIssue, SlaField } from "./schema.ts";

/** "yyyy/MM/dd HH:mm" in a time zone, as JQL wants it. */
export function jqlDate(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}/${parts.month}/${parts.day} ${parts.hour}:${parts.minute}`;
}

/** JSM SLA cycles -> first response time, resolution due time and breach. */
function slaOf(issue: JiraIssue, source: JiraSource, url: string): Record<string, string | boolean | null> {
  const read = (field: string | undefined): SlaField | null => {
    if (!field) return null;
    const raw = issue.fields[field];
    if (raw === null || raw === undefined) return null;
    const parsed = SlaField.safeParse(raw);
    if (!parsed.success)
      throw new ResponseShapeError(
        `${source.name}: GET ${safeUrl(url)}: issue ${issue.key}, field ${field}: not a JSM SLA field (${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}); check sla_fields in the config`,
      );
    return parsed.data;
  };
  const ttfr = read(source.sla_fields.time_to_first_response);
  const ttr = read(source.sla_fields.time_to_resolution);
  const lastCompleted = ttr?.completedCycles.at(-1);
  const anyCycle = Boolean(ttr && (ttr.completedCycles.length || ttr.ongoingCycle));
  return {
    first_response_at: ttfr?.completedCycles[0]?.stopTime.iso8601 ?? null,
    resolution_due_at: ttr?.ongoingCycle?.breachTime?.iso8601 ?? lastCompleted?.breachTime?.iso8601 ?? null,
    resolution_breached: anyCycle ? Boolean(ttr?.completedCycles.some((c) => c.breached) || ttr?.ongoingCycle?.breached) : null,
  };
}

function recordOf(issue: JiraIssue, source: JiraSource, url: string): ApiRecord {
  const f = issue.fields;
  return {
    key: issue.key,
    created: f.created,
    updated: f.updated,
    resolutiondate: f.resolutiondate ?? null,
    status_category: f.status.statusCategory.key,
    status: f.status.name,
    priority: f.priority?.name ?? null,
    issuetype: f.issuetype?.name ?? null,
    resolution: f.resolution?.name ?? null,
    assignee: f.assignee?.accountId ?? null,
    reporter: f.reporter?.accountId ?? null,
    summary: f.summary ?? null,
    sla: slaOf(issue, source, url),
  };
}

export async function syncJira(source: JiraSource, ctx: SyncContext): Promise<StreamResult> {
  const stream = "issues";
  const client = new JiraClient(source, ctx.log);
  const saved = await readCursor(ctx.wh, source.name, stream);
  const since = typeof saved?.updated_since === "string" ? saved.updated_since : source.start;
  const tz = source.user_timezone ?? ctx.timezone;
  const from = Date.parse(since) - source.overlap_minutes * 60_000;
  const jql = `(${source.jql}) AND updated >= "${jqlDate(from, tz)}" ORDER BY updated ASC, key ASC`;
  ctx.log(`${source.name}: issues updated since ${since}`);
  const buffer = new RecordBuffer(ctx.wh, {
    source: source.name,
    stream,
    mapping: loadMapping("jira-api/issues"),
    idOf: (r) => String(r.key),
    versionOf: (r) => new Date(Date.parse(String(r.updated).replace(/([+-]\d{2})(\d{2})$/, "$1:$2"))).toISOString(),
    batchRecords: source.batch_records,
    onBatch: ctx.onBatch,
  });
  let watermark = Date.parse(since);
  let pages = 0;
  let token: string | null = null;
  let startAt = 0;
  try {
    for (;;) {
      throwIfStopped();
      const url = client.searchUrl(jql, { token, startAt });
      let issues: JiraIssue[];
      let last: boolean;
      if (source.pagination === "token") {
        const page = await client.tokenPage(url);
        issues = page.issues;
        token = page.nextPageToken ?? null;
        last = page.isLast ?? !token;
      } else {
        const page = await client.offsetPage(url);
        issues = page.issues;
        startAt = page.startAt + page.issues.length;
        last = page.issues.length === 0 || startAt >= page.total;
      }
      pages++;
      buffer.add(
        issues.map((i) => recordOf(i, source, url)),
        url,
      );
      for (const i of issues) watermark = Math.max(watermark, Date.parse(i.fields.updated.replace(/([+-]\d{2})(\d{2})$/, "$1:$2")));
      ctx.progress?.(`${source.name}: issues page ${pages}, ${buffer.fetched} records`);
      if (buffer.full || last) await buffer.flush({ updated_since: new Date(watermark).toISOString() });
      if (last) break;
    }
  } finally {
    buffer.cleanup();
  }
  return { source: source.name, stream, pages, fetched: buffer.fetched, repeats: buffer.repeats, batches: buffer.batches };
}
