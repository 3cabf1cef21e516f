/**
 * Config of the API sources (`api_sources:` in appraisal.config.yaml). Secrets are never in the config: it names
 * the environment variable that holds each one (`token_env: ZENDESK_TOKEN`).
 */
import { z } from "zod";
import { ColumnSpec } from "./column-spec.ts";

export const EnvName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "name an environment variable, like ZENDESK_TOKEN (the secret itself never goes in the config)");
const SourceName = z.string().regex(/^[a-z][a-z0-9_-]*$/, "use lower-case letters, digits, - and _");
const HttpUrl = z.url({ protocol: /^https?$/ }).refine((u) => !new URL(u).username && !new URL(u).password, {
  message: "put no credentials in the URL; name an environment variable in token_env",
});
const IsoStart = z.iso.datetime({ offset: true }).or(z.iso.date());

const Common = {
  name: SourceName,
  /** the first run fetches what changed since this time (ISO date or date-time) */
  start: IsoStart.default("2020-01-01"),
  timeout_seconds: z.number().positive().max(600).default(30),
  retries: z.int().min(0).max(20).default(6),
  /** first retry backoff in milliseconds (doubles each retry, up to a minute) */
  backoff_ms: z.int().min(0).max(60_000).default(1_000),
  /** the longest Retry-After honoured, in seconds */
  max_retry_after_seconds: z.int().min(0).max(3600).default(900),
  /** records buffered before they are loaded and their cursor committed (one transaction) */
  batch_records: z.int().min(1).max(1_000_000).default(5_000),
  page_size: z.int().min(1).max(1000).optional(),
};

export const ZendeskSource = z
  .object({
    kind: z.literal("zendesk"),
    ...Common,
    /** https://<subdomain>.zendesk.com */
    url: HttpUrl,
    /** the agent's email for API-token auth ({email}/token:{token}) */
    email: z.string().min(3),
    token_env: EnvName,
    streams: z.array(z.enum(["tickets", "satisfaction_ratings"])).min(1).default(["tickets", "satisfaction_ratings"]),
    /** ratings are filtered by creation time; one created (offered) earlier may be answered later, so each run looks back this far */
    ratings_lookback_days: z.int().min(0).max(90).default(14),
  })
  .strict();

export const JiraSource = z
  .object({
    kind: z.literal("jira"),
    ...Common,
    /** https://<site>.atlassian.net */
    url: HttpUrl,
    auth: z.enum(["basic", "bearer"]).default("basic"),
    /** Jira Cloud: the account's email (basic auth with an API token) */
    email: z.string().min(3).optional(),
    token_env: EnvName,
    /** which issues: the connector adds `updated >= …` and the ordering */
    jql: z.string().min(1).default("project = SD"),
    /** token: /rest/api/3/search/jql with nextPageToken (Jira Cloud today); offset: /rest/api/2/search with startAt (Data Center) */
    pagination: z.enum(["token", "offset"]).default("token"),
    /** JQL compares dates in the API user's time zone (default: the department's) */
    user_timezone: z.string().optional(),
    /** minutes re-read before the last watermark (JQL dates have minute precision) */
    overlap_minutes: z.int().min(1).max(1440).default(5),
    /** JSM SLA custom fields, e.g. customfield_10030 */
    sla_fields: z
      .object({ time_to_first_response: z.string().regex(/^customfield_\d+$/).optional(), time_to_resolution: z.string().regex(/^customfield_\d+$/).optional() })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.auth === "basic" && !s.email) ctx.addIssue({ code: "custom", path: ["email"], message: "basic auth (Jira Cloud) needs email: the account that owns the API token" });
  });

export const Pagination = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("none") }).strict(),
  /** the response names the next page's full URL */
  z.object({ kind: z.literal("next_url"), path: z.string().min(1) }).strict(),
  /** the response names a cursor, sent back as a query parameter */
  z.object({ kind: z.literal("cursor"), path: z.string().min(1), param: z.string().min(1) }).strict(),
  /** offset/limit query parameters; the last page is shorter than the limit */
  z.object({ kind: z.literal("offset"), offset_param: z.string().default("offset"), limit_param: z.string().default("limit"), limit: z.int().min(1).max(10_000).default(100) }).strict(),
]);

export const GenericSource = z
  .object({
    kind: z.literal("http"),
    ...Common,
    url: HttpUrl,
    /** header carrying the secret: Authorization: Bearer <token> by default */
    auth: z.object({ header: z.string().default("Authorization"), scheme: z.string().default("Bearer"), token_env: EnvName }).strict().optional(),
    /** extra non-secret headers */
    headers: z.record(z.string(), z.string()).default({}),
    /** where the records are in each response, as a dotted path (empty: the response is the array) */
    records_path: z.string().default(""),
    pagination: Pagination.default({ kind: "none" }),
    /** incremental fetching: the query parameter that asks for records changed since, and the record field that says when each changed */
    incremental: z
      .object({ param: z.string().min(1), field: z.string().min(1), format: z.enum(["iso", "epoch_s", "epoch_ms"]).default("iso") })
      .strict()
      .optional(),
    /** the record's id field, to store a record seen twice once */
    id_field: z.string().min(1),
    /** the field mapping: a mapping name (data-loaders/mappings) or an inline mapping; records are read as NDJSON */
    mapping: z.union([
      z.string().min(1),
      z.object({ table: z.string(), columns: z.record(z.string(), ColumnSpec) }).loose(),
    ]),
  })
  .strict();

export const ApiSource = z.discriminatedUnion("kind", [ZendeskSource, JiraSource, GenericSource]);
export type ApiSource = z.infer<typeof ApiSource>;
export type ZendeskSource = z.infer<typeof ZendeskSource>;
export type JiraSource = z.infer<typeof JiraSource>;
export type GenericSource = z.infer<typeof GenericSource>;

/** The secret from the environment variable the config names; the error names the variable, never a value. */
export function secretFrom(source: string, env: string): string {
  const value = process.env[env];
  if (!value) throw new Error(`source '${source}': the environment variable ${env} is not set; export it (for example in the scheduler's service file) and run again`);
  return value;
}
