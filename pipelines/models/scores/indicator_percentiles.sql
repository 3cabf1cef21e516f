-- Percentile scoring, for the indicators a scheme scores that way: the share of ranked peers (same scheme, period
-- and department; enough tickets and a value) whose value is no better than the agent's.
-- incremental: by period
with candidates as (
    select v.scheme_id, v.period_type, v.period, v.department, v.agent_id, v.indicator_id, v.used_value, i.direction,
        case when v.enough_tickets and v.used_value is not null then 1 else 0 end as is_peer
    from mart.indicator_values v
    join scheme.indicators i using (scheme_id, version, indicator_id)
    where i.method = 'percentile'
),
counted as (
    select *,
        cast(sum(is_peer) over (partition by scheme_id, period_type, period, department, indicator_id
                           order by used_value asc range between unbounded preceding and current row) as bigint) as at_or_below,
        cast(sum(is_peer) over (partition by scheme_id, period_type, period, department, indicator_id
                           order by used_value desc range between unbounded preceding and current row) as bigint) as at_or_above,
        cast(sum(is_peer) over (partition by scheme_id, period_type, period, department, indicator_id) as bigint) as peers
    from candidates
)
select scheme_id, period_type, period, agent_id, indicator_id, peers,
    case
        when used_value is null or peers = 0 then null
        when direction = 'higher' then 100.0 * at_or_below / peers
        else 100.0 * at_or_above / peers
    end as percentile_score
from counted
