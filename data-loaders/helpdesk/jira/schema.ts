/**
 * The Jira (Service Management) REST responses this connector accepts: issue search, either the enhanced
 * search GET /rest/api/3/search/jql (nextPageToken, isLast) or the classic GET /rest/api/2/search
 * (startAt, maxResults, total); and JSM SLA custom fields (completedCycles / ongoingCycle with breachTime,
 * breached). Only the fields used are kept.
 */
import { z } from "zod";

/** Jira writes offsets without a colon: 2026-03-05T14:22:10.123+0800 */
const JiraTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/, "expected a Jira date-time like 2026-03-05T14:22:10.123+0800");

const SlaTime = z.object({ iso8601: JiraTime, epochMillis: z.number().optional() });
const CompletedCycle = z.object({
  startTime: SlaTime.optional(),
  stopTime: SlaTime,
  breachTime: SlaTime.optional(),
  breached: z.boolean(),
});
const OngoingCycle = z.object({
  startTime: SlaTime.optional(),
  breachTime: SlaTime.optional(),
  breached: z.boolean(),
  paused: z.boolean().optional(),
});
export const SlaField = z.object({
  completedCycles: z.array(CompletedCycle).default([]),
  ongoingCycle: OngoingCycle.nullable().optional(),
});
export type SlaField = z.infer<typeof SlaField>;

const Named = z.object({ name: z.string() });
const Account = z.object({ accountId: z.string().min(1) }).or(z.object({ name: z.string().min(1) }).transform((u) => ({ accountId: u.name })));

export const JiraIssue = z.object({
  id: z.string(),
  key: z.string().regex(/^[A-Z][A-Z0-9_]*-\d+$/, "expected an issue key like SD-123"),
  fields: z
    .object({
      summary: z.string().nullable().optional(),
      created: JiraTime,
      updated: JiraTime,
      resolutiondate: JiraTime.nullable().optional(),
      status: z.object({ name: z.string(), statusCategory: z.object({ key: z.enum(["new", "indeterminate", "done", "undefined"]) }) }),
      priority: Named.nullable().optional(),
      issuetype: Named.nullable().optional(),
      resolution: Named.nullable().optional(),
      assignee: Account.nullable().optional(),
      reporter: Account.nullable().optional(),
    })
    .catchall(z.unknown()),
});
export type JiraIssue = z.infer<typeof JiraIssue>;

export const TokenSearchPage = z.object({
  issues: z.array(JiraIssue),
  nextPageToken: z.string().nullable().optional(),
  isLast: z.boolean().optional(),
});

export const OffsetSearchPage = z.object({
  startAt: z.int().nonnegative(),
  maxResults: z.int().nonnegative(),
  total: z.int().nonnegative(),
  issues: z.array(JiraIssue),
});
