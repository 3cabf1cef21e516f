/**
 * The metric catalogue: every value the metrics models compute per agent and period, with how its sample size
 * is counted and which way is better. Schemes pick indicators from here; the methodology board renders it.
 * Definitions follow docs/METRICS.md.
 */

export type MetricKind =
  /** a number of events; an active agent without events has 0 */
  | "count"
  /** a sum (hours); an active agent without records has 0 */
  | "sum"
  /** numerator / denominator, 0..1; sample = denominator */
  | "proportion"
  /** events per 100 resolved tickets; sample = resolved tickets */
  | "rate100"
  /** median of per-ticket times, with p90 and mean beside it; sample = tickets with a time */
  | "median"
  /** mean of ratings or audit scores; sample = ratings */
  | "mean"
  /** observed / expected for the agent's mix of tickets (workload_expectations); 1 = as the department does with
   *  the same kinds of tickets; numerator = observed, denominator = expected, sample = tickets */
  | "ratio";

export interface MetricDef {
  kind: MetricKind;
  direction: "higher" | "lower";
  unit: string;
  label: { en: string; "zh-CN": string };
  definition: string;
  /** for a ratio: what its numerator and denominator count (observed and expected) */
  observed?: string;
  /** the sets of input records that made the value (mart.indicator_inputs): the proof behind a published number */
  inputs: InputSet[];
  /** the canonical table the value comes from: where the department has no such source for a period, the metric is
   *  "not measured" for everyone (mart.source_coverage), not 0 */
  source: SourceTable;
  /** "business": measured in working time (config business_hours: schedules, public holidays with 调休, closures) */
  clock?: "business";
}

/** The canonical tables a metric can come from (mart.source_coverage has one row per table and period). */
export const SOURCE_TABLES = ["tickets", "csat", "quality_audits", "reviews_360", "collab_survey", "trainings", "certifications", "contributions"] as const;
export type SourceTable = (typeof SOURCE_TABLES)[number];

const SOURCE_OF_SET: Record<string, SourceTable> = {
  resolved: "tickets",
  held: "tickets",
  resolved_with_sla: "tickets",
  responded: "tickets",
  complaints: "tickets",
  csat_responses: "csat",
  audits: "quality_audits",
  serious_audits: "quality_audits",
  trainings: "trainings",
  certifications: "certifications",
  knowledge_shares: "contributions",
  proposals: "contributions",
  rated_proposals: "contributions",
  collab_responses: "collab_survey",
};

/**
 * Input sets: the records behind a metric, per agent and period (pipelines/models/scores/indicator_inputs.sql).
 * 360 ratings have none: rater ids never leave the warehouse (agent_360_groups counts the raters).
 */
export const INPUT_SETS = {
  resolved: "tickets resolved in the period, credited to the agent",
  held: "tickets the agent held open at any time in the period",
  resolved_with_sla: "tickets resolved in the period that had an SLA",
  responded: "tickets the agent first responded to in the period",
  complaints: "complaints credited to the agent in the period",
  csat_responses: "CSAT responses credited to the agent, submitted in the period",
  audits: "quality audits of the agent's solutions in the period",
  serious_audits: "quality audits rated critical in the period",
  trainings: "training records completed in the period",
  certifications: "certifications obtained in the period",
  knowledge_shares: "knowledge-sharing records in the period",
  proposals: "improvement proposals submitted in the period",
  rated_proposals: "improvement proposals with a quality rating, submitted in the period",
  collab_responses: "cross-department survey responses about the agent for the period",
} as const;
export type InputSet = keyof typeof INPUT_SETS;

const m = (
  kind: MetricKind,
  direction: "higher" | "lower",
  unit: string,
  en: string,
  zh: string,
  definition: string,
  inputs: InputSet[],
  observed?: string,
): MetricDef => ({
  kind,
  direction,
  unit,
  label: { en, "zh-CN": zh },
  definition,
  inputs,
  // 360 metrics have no input sets (rater ids never leave the warehouse)
  source: inputs.length ? SOURCE_OF_SET[inputs[0]!]! : "reviews_360",
  ...(observed ? { observed } : {}),
});

export const METRICS: Record<string, MetricDef> = {
  tickets_resolved: m("count", "higher", "tickets", "Tickets resolved", "解决工单数",
    "tickets whose final resolution falls in the period, credited to the resolver (else the assignee at resolution)", ["resolved"]),
  tickets_held: m("count", "higher", "tickets", "Tickets held", "经手工单数",
    "tickets credited to the agent that were open at any time in the period", ["held"]),
  resolution_rate: m("proportion", "higher", "share", "Resolution rate", "问题解决率",
    "tickets resolved in the period / tickets the agent held open at any time in the period", ["held", "resolved"]),
  resolution_hours_median: m("median", "lower", "hours", "Resolution time (median)", "解决时长中位数",
    "median hours from creation to final resolution of the tickets resolved in the period; p90 and mean beside it", ["resolved"]),
  first_response_minutes_median: m("median", "lower", "minutes", "First response time (median)", "首次响应时长中位数",
    "median minutes from creation to the first response, in the period of the first response; tickets without a response have no time, not 0", ["responded"]),
  reopen_rate: m("proportion", "lower", "share", "Reopen rate", "重开率", "resolved tickets later reopened / tickets resolved", ["resolved"]),
  sla_attainment: m("proportion", "higher", "share", "SLA attainment", "SLA 达成率",
    "resolved tickets that met their SLA / resolved tickets with an SLA", ["resolved_with_sla"]),
  complaint_rate: m("rate100", "lower", "per 100 tickets", "Complaint rate", "投诉率",
    "complaints per 100 resolved tickets; a complaint is credited to the agent it names, else the resolver", ["complaints", "resolved"]),
  complaints: m("count", "lower", "complaints", "Complaints", "投诉数", "complaints in the period", ["complaints"]),
  csat: m("proportion", "higher", "share", "Customer satisfaction (CSAT)", "客户满意度",
    "satisfied responses (4-5 of 5, or good) / responses submitted in the period; unrated tickets are ignored", ["csat_responses"]),
  quality_score: m("mean", "higher", "points", "Solution quality audit score", "方案质量审核得分",
    "mean reviewer score (0-100) of the agent's audited solutions in the period", ["audits"]),
  serious_errors: m("count", "lower", "audits", "Serious errors", "严重错误数", "quality audits rated critical in the period", ["serious_audits"]),
  training_hours: m("sum", "higher", "hours", "Training hours", "培训学时", "hours of training completed in the period", ["trainings"]),
  certifications: m("count", "higher", "certificates", "Certifications", "专业认证数", "certifications obtained in the period", ["certifications"]),
  knowledge_shares: m("count", "higher", "items", "Knowledge shared", "知识分享数", "knowledge-base articles and talks in the period", ["knowledge_shares"]),
  proposals: m("count", "higher", "proposals", "Improvement proposals", "创新/流程优化建议数",
    "process-improvement proposals submitted in the period", ["proposals"]),
  proposal_quality: m("mean", "higher", "rating 1-5", "Proposal quality", "建议质量",
    "mean quality rating (1-5) of the proposals submitted in the period", ["rated_proposals"]),
  collab_satisfaction: m("proportion", "higher", "share", "Cross-department satisfaction", "跨部门协作满意度",
    "responses of other departments rating the agent satisfied (4-5 of 5) / responses, from the quarterly survey", ["collab_responses"]),
  "r360.skill": m("mean", "higher", "rating 1-5", "360: professional skill", "360 评估：专业技能",
    "mean of the rater groups' means (supervisor; peer, subordinate, customer and other department with at least 3 raters; self excluded)", []),
  "r360.attitude": m("mean", "higher", "rating 1-5", "360: service attitude", "360 评估：服务态度", "as r360.skill, for the attitude dimension", []),
  "r360.teamwork": m("mean", "higher", "rating 1-5", "360: teamwork", "360 评估：团队协作", "as r360.skill, for the teamwork dimension", []),
  "r360.professionalism": m("mean", "higher", "rating 1-5", "360: professionalism", "360 评估：职业素养",
    "as r360.skill, for the professionalism dimension", []),
  "r360.innovation": m("mean", "higher", "rating 1-5", "360: innovation", "360 评估：创新能力", "as r360.skill, for the innovation dimension", []),
  resolution_time_vs_expected: m("ratio", "lower", "x expected", "Resolution time vs expected for the ticket mix", "解决时长（按工单结构校正）",
    "geometric mean of observed / expected resolution hours over the tickets resolved in the period; expected from the department's own history for tickets of the same category, priority and channel (workload_expectations); below 1 is faster than expected", ["resolved"], "hours (geometric mean)"),
  resolution_vs_expected: m("ratio", "higher", "x expected", "Resolved vs expected for the ticket mix", "解决量（按工单结构校正）",
    "tickets resolved in the period / the sum of the odds of resolving each ticket held in the period, from the department's own history for tickets of the same category, priority and channel", ["held", "resolved"], "tickets resolved"),
  sla_vs_expected: m("ratio", "higher", "x expected", "SLA met vs expected for the ticket mix", "SLA 达成（按工单结构校正）",
    "resolved tickets that met their SLA / the sum of the odds of meeting it for each resolved ticket with an SLA, from the department's own history for tickets of the same category, priority and channel", ["resolved_with_sla"], "SLAs met"),
  first_response_business_minutes_median: {
    ...m("median", "lower", "business minutes", "First response time (median, business hours)", "首次响应时长中位数（工作时间）",
      "median working minutes from creation to the first response, on the responder's team schedule (business_hours: working hours, China's public holidays and make-up days, closures); tickets without a response have no time", ["responded"]),
    clock: "business",
  },
  resolution_business_hours_median: {
    ...m("median", "lower", "business hours", "Resolution time (median, business hours)", "解决时长中位数（工作时间）",
      "median working hours from creation to final resolution of the tickets resolved in the period, on the resolver's team schedule; p90 and mean beside it", ["resolved"]),
    clock: "business",
  },
  sla_attainment_business: {
    ...m("proportion", "higher", "share", "SLA attainment (business hours)", "SLA 达成率（工作时间）",
      "resolved tickets resolved within their priority's business-hours target (business_hours.sla_hours) / resolved tickets whose priority has one", ["resolved"]),
    clock: "business",
  },
  "r360.customer": m("mean", "higher", "rating 1-5", "360: customers' rating", "360 评估：客户评价",
    "mean rating by the customer rater group over all dimensions (at least 3 raters)", []),
};

export const METRIC_IDS = Object.keys(METRICS);
export const ADJUSTABLE: MetricKind[] = ["proportion", "rate100"];
