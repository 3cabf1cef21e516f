/**
 * The canonical tables: what every source is mapped onto before it reaches raw.* in the warehouse.
 * Each contract names its key, the version column that decides which copy of a record is newer, the fields
 * that refer to agents (checked against the roster), and the cross-field rules a single field cannot express.
 */
import { z } from "zod";
import { Count, DateOnly, DisplayName, Id, PrivateText, Quarter, Timestamp } from "./fields.ts";

export const Agent = z.object({
  agent_id: Id,
  display_name: DisplayName,
  email: z.string().max(200).nullable().optional().meta({ private: true }),
  helpdesk_login: z.string().max(200).nullable().optional().meta({ private: true }),
  team: DisplayName,
  department: DisplayName,
  role: z.string().min(1).max(40).default("agent"),
  manager_id: Id.nullable().optional(),
  hire_date: DateOnly,
  leave_date: DateOnly.nullable().optional(),
});
export type Agent = z.infer<typeof Agent>;

export const TicketStatus = z.enum(["new", "open", "pending", "on_hold", "resolved", "closed"]);
export const Priority = z.enum(["urgent", "high", "normal", "low"]);

export const Ticket = z.object({
  ticket_id: Id,
  source: z.string().min(1).max(40).default("default"),
  created_at: Timestamp,
  first_response_at: Timestamp.nullable().optional(),
  resolved_at: Timestamp.nullable().optional(),
  closed_at: Timestamp.nullable().optional(),
  updated_at: Timestamp.nullable().optional(),
  status: TicketStatus,
  priority: Priority,
  category: z.string().max(80).nullable().optional(),
  channel: z.string().max(40).nullable().optional(),
  queue: z.string().max(80).nullable().optional(),
  assignee_id: Id.nullable().optional(),
  first_responder_id: Id.nullable().optional(),
  resolved_by: Id.nullable().optional(),
  reassign_count: Count.default(0),
  reopen_count: Count.default(0),
  sla_due_at: Timestamp.nullable().optional(),
  sla_breached: z.boolean().nullable().optional(),
  complaint: z.boolean().default(false),
  complaint_agent_id: Id.nullable().optional(),
  customer_id: z.string().max(200).nullable().optional().meta({ private: true }),
  subject: PrivateText(2000).nullable().optional(),
});
export type Ticket = z.infer<typeof Ticket>;

export const CsatScale = z.enum(["1-5", "good_bad"]);
export const CsatResponse = z.object({
  response_id: Id,
  ticket_id: Id.nullable().optional(),
  agent_id: Id.nullable().optional(),
  submitted_at: Timestamp,
  score: z.int().min(0).max(5),
  scale: CsatScale.default("1-5"),
  comment: PrivateText(5000).nullable().optional(),
});
export type CsatResponse = z.infer<typeof CsatResponse>;

export const RaterRelation = z.enum(["self", "supervisor", "peer", "subordinate", "customer", "other_department"]);
export const Review360 = z.object({
  period: Quarter,
  subject_id: Id,
  rater_id: z.string().min(1).max(200).meta({ private: true }),
  relation: RaterRelation,
  dimension: z.string().min(1).max(40).regex(/^[a-z][a-z0-9_]*$/).meta({ patternMessage: "a dimension id is lower-case letters, digits and _" }),
  score: z.number().min(1).max(5),
  submitted_at: Timestamp.nullable().optional(),
});
export type Review360 = z.infer<typeof Review360>;

export const Training = z.object({
  record_id: Id,
  agent_id: Id,
  completed_on: DateOnly,
  hours: z.number().gt(0).max(200),
  course: PrivateText(300).nullable().optional(),
});

export const Certification = z.object({
  record_id: Id,
  agent_id: Id,
  obtained_on: DateOnly,
  name: z.string().min(1).max(200),
  level: z.string().max(40).nullable().optional(),
});

export const ContributionKind = z.enum(["knowledge_share", "proposal"]);
export const Contribution = z.object({
  record_id: Id,
  agent_id: Id,
  submitted_on: DateOnly,
  kind: ContributionKind,
  title: PrivateText(500).nullable().optional(),
  quality: z.number().min(1).max(5).nullable().optional(),
  adopted: z.boolean().nullable().optional(),
});

export const Severity = z.enum(["none", "minor", "major", "critical"]);
export const QualityAudit = z.object({
  audit_id: Id,
  ticket_id: Id.nullable().optional(),
  agent_id: Id.nullable().optional(),
  audited_at: Timestamp,
  reviewer_id: z.string().max(200).nullable().optional().meta({ private: true }),
  score: z.number().min(0).max(100),
  severity: Severity.default("none"),
});

export const CollabSurveyResponse = z.object({
  response_id: Id,
  period: Quarter,
  respondent_department: z.string().min(1).max(100).meta({ private: true }),
  subject_agent_id: Id,
  score: z.int().min(1).max(5),
  comment: PrivateText(5000).nullable().optional(),
});

export interface CrossRule {
  /** the field the rule is reported against */
  field: string;
  /** SQL over the typed columns that is TRUE when the row breaks the rule */
  violated: string;
  reason: string;
}

export interface Contract {
  table: string;
  schema: z.ZodObject;
  /** primary key of the raw table */
  key: string[];
  /** the newer copy of a record (by this column) replaces the older; without it the later batch wins */
  version?: string;
  /** fields that must name an agent in the roster, when present */
  agentRefs: string[];
  rules: CrossRule[];
  /** at least one of these must be present */
  oneOf?: string[];
  /**
   * Fields that date an event: a record dated after its file was loaded (the future) is quarantined, and never makes
   * a period look complete (issue 10 item 2). A quarter field is in the future when the quarter starts after the load.
   */
  events?: Array<{ field: string; kind: "timestamp" | "date" | "quarter" }>;
}

export const CONTRACTS: Record<string, Contract> = {
  agents: { table: "agents", schema: Agent, key: ["agent_id"], agentRefs: [], rules: [
    { field: "leave_date", violated: "leave_date < hire_date", reason: "leave date is before the hire date" },
  ] },
  tickets: {
    table: "tickets",
    schema: Ticket,
    key: ["ticket_id"],
    version: "updated_at",
    agentRefs: ["assignee_id", "first_responder_id", "resolved_by", "complaint_agent_id"],
    events: ["created_at", "first_response_at", "resolved_at", "closed_at", "updated_at"].map((field) => ({ field, kind: "timestamp" as const })),
    rules: [
      { field: "first_response_at", violated: "first_response_at < created_at", reason: "first response is before the ticket was created (negative duration)" },
      { field: "resolved_at", violated: "resolved_at < created_at", reason: "resolved before the ticket was created (negative duration)" },
      { field: "closed_at", violated: "closed_at < created_at", reason: "closed before the ticket was created (negative duration)" },
      { field: "resolved_at", violated: "status IN ('resolved', 'closed') AND resolved_at IS NULL", reason: "status says resolved or closed but resolved_at is empty" },
      { field: "resolved_by", violated: "resolved_at IS NOT NULL AND resolved_by IS NULL AND assignee_id IS NULL", reason: "a resolved ticket names neither resolver nor assignee, so nobody can be credited" },
    ],
  },
  csat: {
    table: "csat",
    schema: CsatResponse,
    key: ["response_id"],
    agentRefs: ["agent_id"],
    events: [{ field: "submitted_at", kind: "timestamp" }],
    oneOf: ["ticket_id", "agent_id"],
    rules: [
      { field: "score", violated: "scale = '1-5' AND score < 1", reason: "a 1-5 rating cannot be 0" },
      { field: "score", violated: "scale = 'good_bad' AND score > 1", reason: "a good/bad rating is 1 (good) or 0 (bad)" },
    ],
  },
  reviews_360: {
    table: "reviews_360",
    schema: Review360,
    key: ["period", "subject_id", "rater_id", "dimension"],
    agentRefs: ["subject_id"],
    events: [{ field: "period", kind: "quarter" }, { field: "submitted_at", kind: "timestamp" }],
    rules: [],
  },
  trainings: { table: "trainings", schema: Training, key: ["record_id"], agentRefs: ["agent_id"], rules: [], events: [{ field: "completed_on", kind: "date" }] },
  certifications: { table: "certifications", schema: Certification, key: ["record_id"], agentRefs: ["agent_id"], rules: [], events: [{ field: "obtained_on", kind: "date" }] },
  contributions: { table: "contributions", schema: Contribution, key: ["record_id"], agentRefs: ["agent_id"], rules: [], events: [{ field: "submitted_on", kind: "date" }] },
  quality_audits: {
    table: "quality_audits",
    schema: QualityAudit,
    key: ["audit_id"],
    agentRefs: ["agent_id"],
    events: [{ field: "audited_at", kind: "timestamp" }],
    oneOf: ["ticket_id", "agent_id"],
    rules: [],
  },
  collab_survey: {
    table: "collab_survey",
    schema: CollabSurveyResponse,
    key: ["response_id"],
    agentRefs: ["subject_agent_id"],
    rules: [],
    events: [{ field: "period", kind: "quarter" }],
  },
};

export const TABLE_NAMES = Object.keys(CONTRACTS);
export const TableName = z.enum(TABLE_NAMES as [string, ...string[]]);

export function contractFor(table: string): Contract {
  const c = CONTRACTS[table];
  if (!c) throw new Error(`unknown canonical table '${table}'; one of ${TABLE_NAMES.join(", ")}`);
  return c;
}
