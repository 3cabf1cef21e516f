/**
 * GET a JSON page from a helpdesk API, with the failures real APIs have: 429 with Retry-After is honoured, 5xx,
 * timeouts, dropped connections and truncated bodies are retried with exponential backoff (p-retry) up to a cap;
 * a page that parses but does not match its zod schema is not retried and fails naming the source, the page and
 * the record and field. Secrets live only in request headers; what is logged or stored names the URL without
 * its credentials.
 */
import pRetry, { AbortError } from "p-retry";
import type { z } from "zod";
import { safeUrl } from "../../core/safe-url.ts";

export interface HttpOptions {
  /** the configured source name, for messages */
  source: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** retries after the first attempt */
  retries: number;
  /** first backoff; doubles each retry up to maxBackoffMs */
  minBackoffMs: number;
  maxBackoffMs: number;
  /** the longest Retry-After we honour; longer ones fail the run with a message (the next run resumes) */
  maxRetryAfterMs: number;
  log: (line: string) => void;
}

export const HTTP_DEFAULTS = { timeoutMs: 30_000, retries: 6, minBackoffMs: 1_000, maxBackoffMs: 60_000, maxRetryAfterMs: 15 * 60_000 };

/** An error worth another try: 429, 5xx, timeout, network, truncated or unparsable body. */
export class TransientHttpError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** A page that does not match the documented response shape. */
export class ResponseShapeError extends Error {}

/** Retry-After: seconds, or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where a zod issue is, as `records[3].metric_set.solved_at` */
function issuePath(path: PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), "") || "(page)";
}

async function attempt(url: string, opts: HttpOptions): Promise<unknown> {
  let res: Response | null = null;
  let text: string;
  try {
    res = await fetch(url, { headers: { accept: "application/json", ...opts.headers }, signal: AbortSignal.timeout(opts.timeoutMs) });
    text = await res.text();
  } catch (e) {
    const err = e as Error;
    const cause = err.cause ? ` (${(err.cause as Error).message ?? err.cause})` : "";
    const what =
      err.name === "TimeoutError"
        ? `no answer within ${opts.timeoutMs / 1000} s`
        : res
          ? `the body was cut off before it was complete: ${err.message}${cause}`
          : `${err.message}${cause}`;
    throw new TransientHttpError(what);
  }
  if (res.status === 429) {
    throw new TransientHttpError("429 Too Many Requests", parseRetryAfter(res.headers.get("retry-after")) ?? opts.minBackoffMs);
  }
  if (res.status >= 500) throw new TransientHttpError(`${res.status} ${res.statusText}`, parseRetryAfter(res.headers.get("retry-after")));
  if (res.status === 401 || res.status === 403)
    throw new AbortError(`${res.status} ${res.statusText}: the credentials were refused; check the token in the environment variable the config names, and the account's permissions`);
  if (!res.ok) throw new AbortError(`${res.status} ${res.statusText}: ${text.slice(0, 200)}`);
  try {
    return JSON.parse(text);
  } catch {
    // a body cut off in transit (or an HTML error page from a proxy): worth another try
    throw new TransientHttpError(`the body is not complete JSON (${text.length} bytes, ends with ${JSON.stringify(text.slice(-20))})`);
  }
}

/** GET `url` and parse it with `schema`, retrying what is worth retrying. */
export async function getJson<S extends z.ZodType>(url: string, schema: S, opts: HttpOptions): Promise<z.infer<S>> {
  const shown = safeUrl(url);
  let body: unknown;
  try {
    body = await pRetry(() => attempt(url, opts), {
      retries: opts.retries,
      minTimeout: opts.minBackoffMs,
      maxTimeout: opts.maxBackoffMs,
      factor: 2,
      randomize: true,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        const wait = error instanceof TransientHttpError ? error.retryAfterMs : null;
        if (wait !== null && wait > opts.maxRetryAfterMs)
          throw new AbortError(`${error.message}: the API asks to wait ${Math.round(wait / 1000)} s, longer than the ${Math.round(opts.maxRetryAfterMs / 1000)} s allowed; the next run resumes from the last committed page`);
        opts.log(
          `${opts.source}: ${shown}: ${error.message}; attempt ${attemptNumber} of ${attemptNumber + retriesLeft}${retriesLeft ? (wait !== null ? `, retrying after ${(wait / 1000).toFixed(1)} s (Retry-After)` : ", retrying with backoff") : ""}`,
        );
        if (wait !== null && retriesLeft > 0) await sleep(wait);
      },
    });
  } catch (e) {
    throw new Error(`${opts.source}: GET ${shown} failed: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 5).map((i) => `  ${issuePath(i.path)}: ${i.message}`);
    throw new ResponseShapeError(
      `${opts.source}: GET ${shown}: the response does not have the documented shape:\n${lines.join("\n")}\nNothing from this page was stored; check the API version and the source's settings.`,
    );
  }
  return parsed.data;
}
