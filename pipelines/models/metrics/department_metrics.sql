-- Each metric for the whole department and period: rates pooled (all numerators over all denominators),
-- the rest as the median of the agents' values. The Bayesian adjustment shrinks toward the pooled rate.
with joined as (
    select m.*, ap.department
    from mart.agent_metrics m
    join mart.agent_periods ap using (period_type, period, agent_id)
)
select period_type, period, department, metric,
    case
        when metric = 'complaint_rate' then 100.0 * sum(numerator) / nullif(sum(denominator), 0)
        when max(denominator) is not null then sum(numerator) / nullif(sum(denominator), 0)
        else median(value)
    end as value,
    sum(n) as n,
    count(*) as agents
from joined
group by period_type, period, department, metric
