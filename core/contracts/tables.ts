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

/**
 * Roster history (effective-dated): the agent's team, department, role and manager from a day on, until the agent's
 * next row. Either a change file (an HR system's transfer records, 人事异动) or dated roster snapshots (one row per
 * agent and snapshot day). An empty field keeps the value before; previous_team and previous_department, where the file
 * has them, say where the agent was before their first recorded change.
 */
export const RosterChange = z.object({
  agent_id: Id,
  effective_from: DateOnly,
  team: DisplayName.nullable().optional(),
  department: DisplayName.nullable().optional(),
  role: z.string().min(1).max(40).nullable().optional(),
  manager_id: Id.nullable().optional(),
  previous_team: DisplayName.nullable().optional(),
  previous_department: DisplayName.nullable().optional(),
});
export type RosterChange = z.infer<typeof RosterChange>;

/**
 * A ticket's status. deleted, spam and merged (into another ticket) are removed from the helpdesk: such a ticket
 * never counts in any metric, whatever it held before.
 */
export const TicketStatus = z.enum(["new", "open", "pending", "on_hold", "resolved", "closed", "deleted", "spam", "merged"]);
export const REMOVED_STATUSES = ["deleted", "spam", "merged"] as const;

/**
 * Which of two versions of a ticket with the same updated_at is newer: the higher status here (a removal is the
 * last thing that happens to a ticket; then closed > resolved > pending > on_hold > open > new). A status outside
 * this list cannot be ordered. Versions that tie on both are ordered by a hash of their content (settle.ts).
 */
export const TICKET_STATUS_RANK: Record<z.infer<typeof TicketStatus>, number> = {
  deleted: 7,
  spam: 7,
  merged: 7,
  closed: 6,
  resolved: 5,
  pending: 4,
  on_hold: 3,
  open: 2,
  new: 1,
};
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

/** The verdicts of the staff's opinion survey on the scheme, per indicator (issue 15: the improvement loop). */
export const OPINION_VERDICTS = ["fair", "unclear", "unfair"] as const;

/**
 * One answer sheet of the staff's periodic opinion survey on the scheme: per indicator fair / unclear / unfair (as a
 * JSON object indicator id -> verdict, built by the mapping's object_of from one column per indicator), the free text
 * (never published), and where the respondent sits (a team, asked in the survey, or the agent id of a named survey).
 */
export const OpinionResponse = z.object({
  response_id: Id,
  submitted_at: Timestamp,
  /** the survey round, a quarter like 2026-Q3; default: the quarter the sheet was submitted in */
  round: Quarter.nullable().optional(),
  team: DisplayName.nullable().optional(),
  respondent_id: Id.nullable().optional().meta({ private: true }),
  answers: z.string().min(2).max(8000).meta({ private: true }),
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
  /** on a tie of `version`, the higher rank of this column's value is newer (then a hash of the row's content) */
  versionRank?: { column: string; rank: Record<string, number> };
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
  roster_changes: {
    table: "roster_changes",
    schema: RosterChange,
    key: ["agent_id", "effective_from"],
    agentRefs: ["agent_id"],
    oneOf: ["team", "department", "role", "manager_id"],
    rules: [],
  },
  tickets: {
    table: "tickets",
    schema: Ticket,
    key: ["ticket_id"],
    version: "updated_at",
    versionRank: { column: "status", rank: TICKET_STATUS_RANK },
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
  opinion_survey: {
    table: "opinion_survey",
    schema: OpinionResponse,
    key: ["response_id"],
    agentRefs: ["respondent_id"],
    events: [{ field: "submitted_at", kind: "timestamp" }],
    rules: [
      {
        field: "answers",
        violated: "NOT json_valid(answers) OR json_type(answers) <> 'OBJECT'",
        reason: "the answers are not an object of indicator -> verdict (map the indicator columns with object_of)",
      },
      {
        field: "answers",
        violated: `json_valid(answers) AND json_type(answers) = 'OBJECT' AND len(list_filter(json_extract_string(answers, '$.*'), x -> x IS NOT NULL AND x NOT IN (${OPINION_VERDICTS.map((v) => `'${v}'`).join(", ")}))) > 0`,
        reason: `an answer is not one of ${OPINION_VERDICTS.join(", ")}: map the survey's labels with values: in the mapping (公平: fair, 不清楚: unclear, 不公平: unfair)`,
      },
    ],
  },
};

export const TABLE_NAMES = Object.keys(CONTRACTS);
export const TableName = z.enum(TABLE_NAMES as [string, ...string[]]);

export function contractFor(table: string): Contract {
  const c = CONTRACTS[table];
  if (!c) throw new Error(`unknown canonical table '${table}'; one of ${TABLE_NAMES.join(", ")}`);
  return c;
}
