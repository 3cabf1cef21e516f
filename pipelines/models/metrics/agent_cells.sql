-- The tickets each agent held in each period, counted per kind of ticket (category x priority x channel): held,
-- resolved in the period, the exact sums of the log of their resolution hours and of its square, and their SLA
-- outcomes. One pass over the tickets that both the workload-mix fit (workload_expectations, summed over agents) and
-- the agents' observed-against-expected sums (agent_workload, joined with the fit per kind) read. Log hours are
-- floored at one minute; sums are exact decimals of 9 places (a log of hours is below 10), so a rerun gives the
-- same bits. The holder's department of the period (agent_periods, else the roster's) is joined to the cells, not to
-- every ticket.
-- incremental: by period
with cells as (
select period_type, period, agent_id, any_value(roster_department) as roster_department, category, priority, channel,
    count(*) as held,
    count_if(resolved_in_period) as resolved,
    sum(cast(ln(greatest(resolution_hours, 1.0 / 60)) as decimal(18, 9))) as sum_log_hours,
    sum(cast(pow(ln(greatest(resolution_hours, 1.0 / 60)), 2) as decimal(18, 9))) as sum_sq_log_hours,
    count(sla_met) as sla_n,
    count_if(sla_met) as sla_met
from mart.ticket_periods
group by period_type, period, agent_id, category, priority, channel
)
select c.period_type, c.period, c.agent_id, coalesce(ap.department, c.roster_department) as department,
    c.category, c.priority, c.channel, c.held, c.resolved, c.sum_log_hours, c.sum_sq_log_hours, c.sla_n, c.sla_met
from cells c
left join mart.agent_periods ap using (period_type, period, agent_id)
