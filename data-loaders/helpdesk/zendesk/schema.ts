/**
 * The Zendesk Support API responses this connector accepts (developer.zendesk.com, Support API v2):
 * the cursor-based incremental ticket export with ticket metrics sideloaded (`include=metric_sets`), and the
 * satisfaction ratings list with cursor pagination. Only the fields the appraisal uses are kept: zod drops the
 * rest (descriptions, emails, custom fields) before anything is written anywhere.
 */
import { z } from "zod";

const Id = z.int().nonnegative();
const Time = z.iso.datetime({ offset: true });
const Minutes = z.object({ calendar: z.number().nullable().optional(), business: z.number().nullable().optional() }).nullable().optional();

export const ZendeskTicket = z.object({
  id: Id,
  created_at: Time,
  updated_at: Time,
  status: z.enum(["new", "open", "pending", "hold", "solved", "closed", "deleted"]),
  priority: z.enum(["urgent", "high", "normal", "low"]).nullable().optional(),
  type: z.enum(["problem", "incident", "question", "task"]).nullable().optional(),
  subject: z.string().nullable().optional(),
  assignee_id: Id.nullable().optional(),
  requester_id: Id.nullable().optional(),
  group_id: Id.nullable().optional(),
  due_at: Time.nullable().optional(),
  via: z.object({ channel: z.union([z.string(), z.number()]) }).nullable().optional(),
  /** closed_by_merge marks a ticket merged into another; a spam tag, one marked as spam */
  tags: z.array(z.string()).nullable().optional(),
});
export type ZendeskTicket = z.infer<typeof ZendeskTicket>;

/** A ticket metric set: the same object as GET /api/v2/ticket_metrics returns, sideloaded per ticket. */
export const ZendeskMetricSet = z.object({
  id: Id,
  ticket_id: Id,
  reopens: z.int().nonnegative().nullable().optional(),
  replies: z.int().nonnegative().nullable().optional(),
  assignee_stations: z.int().nonnegative().nullable().optional(),
  group_stations: z.int().nonnegative().nullable().optional(),
  solved_at: Time.nullable().optional(),
  reply_time_in_minutes: Minutes,
  full_resolution_time_in_minutes: Minutes,
  updated_at: Time.nullable().optional(),
});
export type ZendeskMetricSet = z.infer<typeof ZendeskMetricSet>;

/** GET /api/v2/incremental/tickets/cursor.json?start_time=… | ?cursor=… */
export const IncrementalTicketsPage = z.object({
  tickets: z.array(ZendeskTicket),
  metric_sets: z.array(ZendeskMetricSet).optional(),
  after_cursor: z.string().nullable(),
  after_url: z.string().nullable().optional(),
  end_of_stream: z.boolean(),
});

export const SatisfactionRating = z.object({
  id: Id,
  ticket_id: Id.nullable().optional(),
  assignee_id: Id.nullable().optional(),
  score: z.enum(["offered", "unoffered", "good", "bad", "good_with_comment", "bad_with_comment", "good_without_comment", "bad_without_comment"]),
  comment: z.string().nullable().optional(),
  created_at: Time,
  updated_at: Time,
});
export type SatisfactionRating = z.infer<typeof SatisfactionRating>;

/** GET /api/v2/satisfaction_ratings?page[size]=… (cursor pagination: meta.has_more, meta.after_cursor, links.next) */
export const SatisfactionRatingsPage = z.object({
  satisfaction_ratings: z.array(SatisfactionRating),
  meta: z.object({ has_more: z.boolean(), after_cursor: z.string().nullable().optional(), before_cursor: z.string().nullable().optional() }),
  links: z.object({ next: z.string().nullable().optional(), prev: z.string().nullable().optional() }).optional(),
});
