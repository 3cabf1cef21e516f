-- Each indicator's 0-100 score (target: linear from floor to target, clamped; percentile: the share of ranked peers,
-- the same scheme, period and department with enough tickets and a value, whose value is no better than the agent's),
-- and its effective weight after a missing indicator's weight was shared among the present ones (first within its
-- dimension, then across dimensions), and its contribution to the composite.
-- Weights are exact decimals, so their sums do not depend on the order rows arrive in.
-- (Grouped sums joined back are much faster in DuckDB than window sums over half a million tiny partitions.)
-- An indicator whose source the department does not have for the period (source_coverage) is never scored at its
-- floor: nobody was measured, so its weight is shared whatever the missing policy.
-- incremental: by period
-- indicator_values (a view) once, in memory, for the percentiles and the scores
with vals as materialized (select * from mart.indicator_values),
candidates as (
    select v.scheme_id, v.period_type, v.period, v.department, v.agent_id, v.indicator_id, v.used_value, i.direction,
        case when v.enough_tickets and v.used_value is not null then 1 else 0 end as is_peer
    from vals v
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
),
percentiles as (
    select scheme_id, period_type, period, agent_id, indicator_id, peers,
        case
            when used_value is null or peers = 0 then null
            when direction = 'higher' then 100.0 * at_or_below / peers
            else 100.0 * at_or_above / peers
        end as percentile_score
    from counted
),
unmeasured as (
    select v.scheme_id, v.version, v.period_type, v.period, v.indicator_id
    from (select distinct scheme_id, version, period_type, period, indicator_id from vals) v
    join scheme.indicators i using (scheme_id, version, indicator_id)
    join mart.source_coverage c on c.period_type = v.period_type and c.period = v.period and c.source_table = i.source_table
    where not c.measured
),
scored as (
    select v.*, i.dimension_id, i.dimension_weight, i.weight, i.nominal_weight, i.method,
        case when u.indicator_id is not null then 'redistribute' else i.missing_policy end as missing_policy, i.ord,
        p.peers,
        case
            when v.used_value is null then null
            when i.method = 'target' then target_score(v.used_value, v.floor_used, v.target_used)
            else p.percentile_score
        end as computed_score
    from vals v
    join scheme.indicators i using (scheme_id, version, indicator_id)
    left join percentiles p using (scheme_id, period_type, period, agent_id, indicator_id)
    left join unmeasured u using (scheme_id, version, period_type, period, indicator_id)
),
final_score as (
    select *,
        case when computed_score is not null then computed_score when missing_policy = 'floor' then 0 end as score,
        case
            when computed_score is not null then null
            when used_value is not null and method = 'percentile' then 'no ranked peers to compare with'
            else missing_reason
        end as missing,
        computed_score is null and missing_policy = 'floor' as scored_at_floor
    from scored
),
present_in_dimension as (
    -- how much of each dimension's weight has a score, from a narrow second look at the same rows
    select v.scheme_id, v.period_type, v.period, v.agent_id, i.dimension_id, any_value(i.dimension_weight) as dimension_weight,
        sum(case when (v.used_value is not null and (i.method = 'target' or p.percentile_score is not null))
                      or (i.missing_policy = 'floor' and u.indicator_id is null) then i.weight end) as dimension_present_weight
    from vals v
    join scheme.indicators i using (scheme_id, version, indicator_id)
    left join percentiles p using (scheme_id, period_type, period, agent_id, indicator_id)
    left join unmeasured u using (scheme_id, version, period_type, period, indicator_id)
    group by all
),
present_dimensions as (
    select scheme_id, period_type, period, agent_id,
        sum(case when dimension_present_weight > 0 then dimension_weight end) as present_dimension_weight
    from present_in_dimension
    group by all
),
present as (
    select f.*, d.dimension_present_weight, t.present_dimension_weight
    from final_score f
    join present_in_dimension d using (scheme_id, period_type, period, agent_id, dimension_id)
    join present_dimensions t using (scheme_id, period_type, period, agent_id)
)
select scheme_id, version, period_type, period, agent_id, department, dimension_id, indicator_id, ord,
    tickets_resolved, enough_tickets, raw_value, sample, numerator, denominator, p90, mean, department_value,
    used_value, floor_used, target_used, peers, score, missing, scored_at_floor,
    cast(dimension_weight as double) as dimension_weight,
    cast(weight as double) as weight,
    cast(nominal_weight as double) as nominal_weight,
    case when score is null then 0
         else cast(dimension_weight * weight as double) * 100 / cast(present_dimension_weight * dimension_present_weight as double)
    end as effective_weight,
    case when score is null then 0
         else score * cast(dimension_weight * weight as double) / cast(present_dimension_weight * dimension_present_weight as double)
    end as contribution
from present
