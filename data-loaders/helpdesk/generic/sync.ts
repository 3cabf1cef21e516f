/**
 * A generic JSON-over-HTTP source: records at a configured path of each response, paged by next URL, cursor or
 * offset, fetched incrementally by a "changed since" query parameter, mapped by a mapping (a file or inline).
 */
import { z } from "zod";
import { throwIfStopped } from "../../../core/shutdown.ts";
import { loadMapping, Mapping } from "../../mappings/schema.ts";
import { type GenericSource, secretFrom } from "../../../core/config/api-sources.ts";
import { readCursor } from "../cursor.ts";
import { safeUrl } from "../../../core/safe-url.ts";
import { getJson, HTTP_DEFAULTS, ResponseShapeError } from "../http.ts";
import { type ApiRecord, RecordBuffer } from "../page-loader.ts";
import type { StreamResult, SyncContext } from "../sync-types.ts";

/** An inline mapping of a generic source, completed and checked like a mapping file. */
export function inlineMapping(source: GenericSource): Mapping & { name: string } {
  const parsed = Mapping.safeParse({ ...(source.mapping as object), format: "ndjson" });
  if (!parsed.success) throw new Error(`api_sources.${source.name}.mapping is not valid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return { ...parsed.data, name: `${source.name} (inline)` };
}

/** The value at a dotted path ("data.items", "meta.next"); "" is the value itself. */
export function atPath(value: unknown, dotted: string): unknown {
  if (!dotted) return value;
  let v: unknown = value;
  for (const k of dotted.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

const Page = z.unknown();
const RecordSchema = z.record(z.string(), z.unknown());

function formatSince(ms: number, format: "iso" | "epoch_s" | "epoch_ms"): string {
  if (format === "epoch_s") return String(Math.floor(ms / 1000));
  if (format === "epoch_ms") return String(ms);
  return new Date(ms).toISOString();
}

function timeOf(v: unknown, format: "iso" | "epoch_s" | "epoch_ms"): number | null {
  if (typeof v === "number") return format === "epoch_s" ? v * 1000 : v;
  if (typeof v === "string") {
    const n = /^\d+$/.test(v) ? Number(v) * (format === "epoch_s" ? 1000 : 1) : Date.parse(v);
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

export async function syncGeneric(source: GenericSource, ctx: SyncContext): Promise<StreamResult> {
  const stream = "records";
  const headers: Record<string, string> = { ...source.headers };
  if (source.auth) headers[source.auth.header.toLowerCase()] = `${source.auth.scheme ? `${source.auth.scheme} ` : ""}${secretFrom(source.name, source.auth.token_env)}`;
  const http = {
    ...HTTP_DEFAULTS,
    source: source.name,
    headers,
    timeoutMs: source.timeout_seconds * 1000,
    retries: source.retries,
    minBackoffMs: source.backoff_ms,
    maxRetryAfterMs: source.max_retry_after_seconds * 1000,
    log: ctx.log,
  };
  const mapping = typeof source.mapping === "string" ? loadMapping(source.mapping, ctx.baseDir) : inlineMapping(source);
  if (mapping.format !== "ndjson" && mapping.format !== "json") throw new Error(`source '${source.name}': its mapping must read json or ndjson records, not ${mapping.format}`);
  const saved = await readCursor(ctx.wh, source.name, stream);
  const inc = source.incremental;
  const since = typeof saved?.updated_since === "string" ? saved.updated_since : source.start;
  let watermark = Date.parse(since);
  const first = new URL(source.url);
  if (inc) first.searchParams.set(inc.param, formatSince(watermark, inc.format));
  const pg = source.pagination;
  if (pg.kind === "offset") {
    first.searchParams.set(pg.offset_param, "0");
    first.searchParams.set(pg.limit_param, String(pg.limit));
  }
  ctx.log(`${source.name}: records${inc ? ` changed since ${since}` : ""}`);
  const buffer = new RecordBuffer(ctx.wh, {
    source: source.name,
    stream,
    mapping,
    idOf: (r) => String(atPath(r, source.id_field)),
    versionOf: inc ? (r) => String(timeOf(atPath(r, inc.field), inc.format) ?? "") : undefined,
    batchRecords: source.batch_records,
    onBatch: ctx.onBatch,
  });
  let url = first.toString();
  let pages = 0;
  let offset = 0;
  try {
    for (;;) {
      throwIfStopped();
      const body = await getJson(url, Page, http);
      const list = atPath(body, source.records_path);
      const parsed = z.array(RecordSchema).safeParse(list);
      if (!parsed.success)
        throw new ResponseShapeError(`${source.name}: GET ${safeUrl(url)}: expected a list of records at '${source.records_path || "(the response)"}', got ${list === undefined ? "nothing" : typeof list}; check records_path`);
      parsed.data.forEach((r, i) => {
        if (atPath(r, source.id_field) === undefined || atPath(r, source.id_field) === null)
          throw new ResponseShapeError(`${source.name}: GET ${safeUrl(url)}: record ${i + 1} has no '${source.id_field}' (id_field)`);
      });
      pages++;
      buffer.add(parsed.data, url);
      if (inc) for (const r of parsed.data) watermark = Math.max(watermark, timeOf(atPath(r, inc.field), inc.format) ?? watermark);
      let next: string | null = null;
      if (pg.kind === "next_url") {
        const n = atPath(body, pg.path);
        next = typeof n === "string" && n ? new URL(n, url).toString() : null;
      } else if (pg.kind === "cursor") {
        const c = atPath(body, pg.path);
        if ((typeof c === "string" && c) || typeof c === "number") {
          const u = new URL(url);
          u.searchParams.set(pg.param, String(c));
          next = u.toString();
        }
      } else if (pg.kind === "offset" && parsed.data.length >= pg.limit) {
        offset += parsed.data.length;
        const u = new URL(url);
        u.searchParams.set(pg.offset_param, String(offset));
        next = u.toString();
      }
      ctx.progress?.(`${source.name}: page ${pages}, ${buffer.fetched} records`);
      if (buffer.full || !next) await buffer.flush({ updated_since: new Date(watermark).toISOString() });
      if (!next) break;
      url = next;
    }
  } finally {
    buffer.cleanup();
  }
  return { source: source.name, stream, pages, fetched: buffer.fetched, repeats: buffer.repeats, batches: buffer.batches };
}

export type { ApiRecord };
