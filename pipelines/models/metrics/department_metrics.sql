-- Each metric for the whole department and period: rates and observed/expected counts pooled (all numerators over
-- all denominators, summed exactly), the rest (and the resolution-time ratio, whose numerator is a geometric mean) as
-- the median of the agents' values. The Bayesian adjustment shrinks toward the pooled rate.
-- incremental: by period
with joined as (
    select m.*, ap.department
    from mart.agent_metrics m
    join mart.agent_periods ap using (period_type, period, agent_id)
)
select period_type, period, department, metric,
    case
        when metric = 'complaint_rate' then 100.0 * det_sum(numerator) / nullif(det_sum(denominator), 0)
        when metric = 'resolution_time_vs_expected' then median(value)
        when max(denominator) is not null then det_sum(numerator) / nullif(det_sum(denominator), 0)
        else median(value)
    end as value,
    cast(sum(n) as bigint) as n,
    count(*) as agents
from joined
group by period_type, period, department, metric
