-- Observed against expected, per agent and period, for the agent's own mix of tickets (workload_expectations):
--   resolution time   the geometric mean of observed / expected hours over the tickets resolved in the period
--                     (exp of the mean log ratio; below 1 is faster than the department on the same kinds of tickets)
--   resolution        tickets resolved / the sum of the resolution odds of the tickets held in the period
--   SLA               tickets that met their SLA / the sum of the SLA odds of the resolved tickets with an SLA
-- with the sums the uncertainty models need (sum of squared log ratios). Sums are exact decimals.
select period_type, period, agent_id,
    any_value(department) as department,
    count(*) as held,
    count_if(resolved_in_period) as resolved,
    det_sum(expected_resolution_odds) as expected_resolved,
    det_sum(log_ratio) as sum_log_ratio,
    det_sum(log_ratio * log_ratio) as sum_sq_log_ratio,
    det_avg(log_hours) as mean_log_hours,
    count(sla_met) as sla_n,
    count_if(sla_met) as sla_met,
    det_sum(case when sla_met is not null then expected_sla_odds end) as expected_sla_met
from mart.ticket_expectations
group by period_type, period, agent_id
