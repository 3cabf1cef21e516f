-- Observed against expected, per agent and period, for the agent's own mix of tickets (workload_expectations):
--   resolution time   the geometric mean of observed / expected hours over the tickets resolved in the period
--                     (exp of the mean log ratio; below 1 is faster than the department on the same kinds of tickets)
--   resolution        tickets resolved / the sum of the resolution odds of the tickets held in the period
--   SLA               tickets that met their SLA / the sum of the SLA odds of the resolved tickets with an SLA
-- with the sums the uncertainty models need (sum of squared log ratios). Computed per kind of ticket from agent_cells:
-- a kind's log ratios sum to sum_log_hours - resolved * expected, their squares to
-- sum_sq_log_hours - 2 * expected * sum_log_hours + resolved * expected^2. Sums are exact decimals.
-- incremental: by period
select c.period_type, c.period, c.agent_id,
    any_value(c.department) as department,
    cast(sum(c.held) as bigint) as held,
    cast(sum(c.resolved) as bigint) as resolved,
    det_sum(c.held * e.expected_resolution_odds) as expected_resolved,
    cast(sum(c.sum_log_hours) as double) - det_sum(c.resolved * e.expected_log_hours) as sum_log_ratio,
    det_sum(cast(c.sum_sq_log_hours as double) - 2 * e.expected_log_hours * cast(c.sum_log_hours as double)
        + c.resolved * e.expected_log_hours * e.expected_log_hours) as sum_sq_log_ratio,
    cast(sum(c.sum_log_hours) as double) / nullif(sum(c.resolved), 0) as mean_log_hours,
    cast(sum(c.sla_n) as bigint) as sla_n,
    cast(sum(c.sla_met) as bigint) as sla_met,
    det_sum(c.sla_n * e.expected_sla_odds) as expected_sla_met
from mart.agent_cells c
join mart.workload_expectations e using (period_type, period, department, category, priority, channel)
group by c.period_type, c.period, c.agent_id
