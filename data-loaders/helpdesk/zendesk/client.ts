/**
 * Zendesk Support API client: builds the documented URLs, authenticates with an API token
 * (`{email}/token:{token}`, basic auth), and yields validated pages.
 */
import { getJson, HTTP_DEFAULTS, type HttpOptions } from "../http.ts";
import type { ZendeskSource } from "../../../core/config/api-sources.ts";
import { secretFrom } from "../../../core/config/api-sources.ts";
import { IncrementalTicketsPage, SatisfactionRatingsPage } from "./schema.ts";

export class ZendeskClient {
  private readonly base: string;
  private readonly http: HttpOptions;

  constructor(
    readonly source: ZendeskSource,
    log: (line: string) => void,
  ) {
    this.base = source.url.replace(/\/+$/, "");
    const token = secretFrom(source.name, source.token_env);
    this.http = {
      ...HTTP_DEFAULTS,
      source: source.name,
      headers: { authorization: `Basic ${Buffer.from(`${source.email}/token:${token}`).toString("base64")}` },
      timeoutMs: source.timeout_seconds * 1000,
      retries: source.retries,
      minBackoffMs: source.backoff_ms,
      maxRetryAfterMs: source.max_retry_after_seconds * 1000,
      log,
    };
  }

  /** The incremental export: from a start time (first run) or from the cursor the last page returned. */
  ticketsUrl(from: { cursor: string } | { startTime: number }): string {
    const q = new URLSearchParams();
    if ("cursor" in from) q.set("cursor", from.cursor);
    else q.set("start_time", String(from.startTime));
    q.set("include", "metric_sets");
    q.set("exclude_deleted", "true");
    if (this.source.page_size) q.set("per_page", String(this.source.page_size));
    return `${this.base}/api/v2/incremental/tickets/cursor.json?${q}`;
  }

  ticketsPage(url: string) {
    return getJson(url, IncrementalTicketsPage, this.http);
  }

  /** Received ratings (good/bad, not merely offered) created since `startTime`, after the page cursor `after`. */
  ratingsUrl(startTime: number, after: string | null): string {
    const q = new URLSearchParams({ score: "received", start_time: String(startTime), "page[size]": String(this.source.page_size ?? 100) });
    if (after) q.set("page[after]", after);
    return `${this.base}/api/v2/satisfaction_ratings.json?${q}`;
  }

  ratingsPage(url: string) {
    return getJson(url, SatisfactionRatingsPage, this.http);
  }
}
