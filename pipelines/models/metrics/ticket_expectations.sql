-- materialized: view
-- Each ticket an agent held in a period beside what the workload-mix model expects of a ticket of its kind: the
-- expected resolution hours, the odds of resolving it in the period and of meeting its SLA. The management build's
-- drill-down from the adjusted indicators to the tickets behind them; the agent-level sums are agent_workload.
select t.period_type, t.period, t.ticket_id, t.agent_id, e.department,
    t.* exclude (period_type, period, ticket_id, agent_id, roster_department),
    e.expected_hours,
    e.expected_log_hours,
    e.expected_resolution_odds,
    e.expected_sla_odds,
    case when t.resolution_hours is not null then ln(greatest(t.resolution_hours, 1.0 / 60)) end as log_hours,
    case when t.resolution_hours is not null then ln(greatest(t.resolution_hours, 1.0 / 60)) - e.expected_log_hours end as log_ratio
from mart.ticket_periods t
left join mart.agent_periods ap using (period_type, period, agent_id)
join mart.workload_expectations e
    on e.period_type = t.period_type and e.period = t.period and e.department = coalesce(ap.department, t.roster_department)
    and e.category = t.category and e.priority = t.priority and e.channel = t.channel
