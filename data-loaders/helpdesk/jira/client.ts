/**
 * Jira REST client: issue search with the configured JQL, paged by nextPageToken (Cloud) or startAt (classic).
 */
import { getJson, HTTP_DEFAULTS, type HttpOptions } from "../http.ts";
import { type JiraSource, secretFrom } from "../../../core/config/api-sources.ts";
import { OffsetSearchPage, TokenSearchPage } from "./schema.ts";

export const BASE_FIELDS = ["summary", "created", "updated", "resolutiondate", "status", "priority", "issuetype", "resolution", "assignee", "reporter"];

export class JiraClient {
  private readonly base: string;
  private readonly http: HttpOptions;

  constructor(
    readonly source: JiraSource,
    log: (line: string) => void,
  ) {
    this.base = source.url.replace(/\/+$/, "");
    const token = secretFrom(source.name, source.token_env);
    const authorization = source.auth === "bearer" ? `Bearer ${token}` : `Basic ${Buffer.from(`${source.email}:${token}`).toString("base64")}`;
    this.http = {
      ...HTTP_DEFAULTS,
      source: source.name,
      headers: { authorization },
      timeoutMs: source.timeout_seconds * 1000,
      retries: source.retries,
      minBackoffMs: source.backoff_ms,
      maxRetryAfterMs: source.max_retry_after_seconds * 1000,
      log,
    };
  }

  get fields(): string[] {
    return [...BASE_FIELDS, ...Object.values(this.source.sla_fields).filter((f): f is string => Boolean(f))];
  }

  searchUrl(jql: string, page: { token?: string | null; startAt?: number }): string {
    const size = String(this.source.page_size ?? 100);
    const q = new URLSearchParams({ jql, fields: this.fields.join(","), maxResults: size });
    if (this.source.pagination === "token") {
      if (page.token) q.set("nextPageToken", page.token);
      return `${this.base}/rest/api/3/search/jql?${q}`;
    }
    q.set("startAt", String(page.startAt ?? 0));
    return `${this.base}/rest/api/2/search?${q}`;
  }

  tokenPage(url: string) {
    return getJson(url, TokenSearchPage, this.http);
  }

  offsetPage(url: string) {
    return getJson(url, OffsetSearchPage, this.http);
  }
}
