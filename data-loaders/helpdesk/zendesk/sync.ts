/**
 * Zendesk -> raw.tickets and raw.csat, incrementally: each stream resumes from its committed cursor.
 */
import { throwIfStopped } from "../../../core/shutdown.ts";
import { loadMapping } from "../../mappings/schema.ts";
import type { ZendeskSource } from "../../../core/config/api-sources.ts";
import { readCursor } from "../cursor.ts";
import { type ApiRecord, RecordBuffer } from "../page-loader.ts";
import type { StreamResult, SyncContext } from "../sync-types.ts";
import { ZendeskClient } from "./client.ts";

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** The buffer a Zendesk stream loads its pages through: records keyed by id, versions by updated_at. */
function bufferFor(source: ZendeskSource, ctx: SyncContext, stream: string, mapping: string): RecordBuffer {
  return new RecordBuffer(ctx.wh, {
    source: source.name,
    stream,
    mapping: loadMapping(mapping),
    idOf: (r) => String(r.id),
    versionOf: (r) => String(r.updated_at),
    batchRecords: source.batch_records,
    onBatch: ctx.onBatch,
  });
}

export async function syncZendesk(source: ZendeskSource, ctx: SyncContext): Promise<StreamResult[]> {
  const client = new ZendeskClient(source, ctx.log);
  const results: StreamResult[] = [];
  if (source.streams.includes("tickets")) results.push(await syncTickets(client, source, ctx));
  if (source.streams.includes("satisfaction_ratings")) results.push(await syncRatings(client, source, ctx));
  return results;
}

async function syncTickets(client: ZendeskClient, source: ZendeskSource, ctx: SyncContext): Promise<StreamResult> {
  const stream = "tickets";
  const saved = await readCursor(ctx.wh, source.name, stream);
  let cursor = typeof saved?.after_cursor === "string" ? saved.after_cursor : null;
  let url = client.ticketsUrl(cursor ? { cursor } : { startTime: epochSeconds(source.start) });
  ctx.log(`${source.name}: tickets ${cursor ? "from the saved cursor" : `since ${source.start}`}`);
  const buffer = bufferFor(source, ctx, stream, "zendesk-api/tickets");
  let pages = 0;
  try {
    for (;;) {
      throwIfStopped();
      const page = await client.ticketsPage(url);
      pages++;
      const metrics = new Map((page.metric_sets ?? []).map((m) => [m.ticket_id, m]));
      const records: ApiRecord[] = page.tickets.map((t) => ({ ...t, metric_set: metrics.get(t.id) ?? null }));
      buffer.add(records, url);
      // the next run (or the next page) continues from the page's after_cursor; an empty last page may have none
      cursor = page.after_cursor ?? cursor;
      ctx.progress?.(`${source.name}: tickets page ${pages}, ${buffer.fetched} records`);
      if (buffer.full || page.end_of_stream) await buffer.flush({ after_cursor: cursor });
      if (page.end_of_stream || !page.after_cursor) break;
      url = client.ticketsUrl({ cursor: page.after_cursor });
    }
  } finally {
    buffer.cleanup();
  }
  return { source: source.name, stream, pages, fetched: buffer.fetched, repeats: buffer.repeats, batches: buffer.batches };
}

async function syncRatings(client: ZendeskClient, source: ZendeskSource, ctx: SyncContext): Promise<StreamResult> {
  const stream = "satisfaction_ratings";
  const saved = await readCursor(ctx.wh, source.name, stream);
  const startTime = typeof saved?.start_time === "number" ? saved.start_time : epochSeconds(source.start);
  let after = typeof saved?.after === "string" ? saved.after : null;
  // the newest creation time seen in this pass: the next pass starts from it, minus the lookback
  let high = typeof saved?.high === "number" ? saved.high : startTime;
  let url = client.ratingsUrl(startTime, after);
  ctx.log(`${source.name}: satisfaction ratings created since ${new Date(startTime * 1000).toISOString()}${after ? " (resuming a pass)" : ""}`);
  const buffer = bufferFor(source, ctx, stream, "zendesk-api/satisfaction-ratings");
  let pages = 0;
  try {
    for (;;) {
      throwIfStopped();
      const page = await client.ratingsPage(url);
      pages++;
      buffer.add(page.satisfaction_ratings, url);
      for (const r of page.satisfaction_ratings) high = Math.max(high, epochSeconds(r.created_at));
      ctx.progress?.(`${source.name}: satisfaction ratings page ${pages}, ${buffer.fetched} records`);
      const more = page.meta.has_more && Boolean(page.meta.after_cursor);
      if (more) {
        after = page.meta.after_cursor ?? null;
        if (buffer.full) await buffer.flush({ start_time: startTime, after, high });
        url = client.ratingsUrl(startTime, after);
        continue;
      }
      const next = Math.max(startTime, high - source.ratings_lookback_days * 86_400);
      await buffer.flush({ start_time: next, after: null, high: next });
      break;
    }
  } finally {
    buffer.cleanup();
  }
  return { source: source.name, stream, pages, fetched: buffer.fetched, repeats: buffer.repeats, batches: buffer.batches };
}
