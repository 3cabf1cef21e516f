/**
 * Which canonical fields each metric reads (pipelines/models/metrics), so that `appraisal mapping check` and the
 * mapping reference can say what a mapping that leaves a field out costs. Metrics of other tables need those
 * tables at all (csat, quality_audits, ...); the fields below are the ones a ticket or rating mapping may omit.
 */
export const FIELD_NEEDS: Record<string, { table: string; fields: string[]; anyOf?: boolean }> = {
  tickets_resolved: { table: "tickets", fields: ["resolved_at"] },
  tickets_held: { table: "tickets", fields: ["created_at"] },
  resolution_rate: { table: "tickets", fields: ["resolved_at"] },
  resolution_hours_median: { table: "tickets", fields: ["created_at", "resolved_at"] },
  first_response_minutes_median: { table: "tickets", fields: ["first_response_at"] },
  reopen_rate: { table: "tickets", fields: ["reopen_count"] },
  sla_attainment: { table: "tickets", fields: ["sla_due_at", "sla_breached"], anyOf: true },
  sla_vs_expected: { table: "tickets", fields: ["sla_due_at", "sla_breached"], anyOf: true },
  complaint_rate: { table: "tickets", fields: ["complaint"] },
  complaints: { table: "tickets", fields: ["complaint"] },
  resolution_time_vs_expected: { table: "tickets", fields: ["category", "channel"] },
  resolution_vs_expected: { table: "tickets", fields: ["category", "channel"] },
  csat: { table: "csat", fields: ["score"] },
};

/** the metrics a mapping of `table` that places only `placed` cannot feed, with the fields they miss */
export function metricsWithoutInput(table: string, placed: string[]): Array<{ metric: string; missing: string[] }> {
  const have = new Set(placed);
  return Object.entries(FIELD_NEEDS)
    .filter(([, need]) => need.table === table)
    .flatMap(([metric, need]) => {
      const missing = need.fields.filter((f) => !have.has(f));
      const lacks = need.anyOf ? missing.length === need.fields.length : missing.length > 0;
      return lacks ? [{ metric, missing }] : [];
    });
}
