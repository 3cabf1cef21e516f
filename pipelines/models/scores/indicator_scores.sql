-- Each indicator of the scheme in force, for each agent in its scope and period: the raw value and its inputs,
-- the value used (after the small-sample adjustment, or missing below the minimum sample), the target and floor
-- (per-month targets scale with the months the agent was active), the 0-100 score, and the effective weight
-- after a missing indicator's weight was shared among the present ones (first within its dimension, then across
-- dimensions), and the contribution to the composite.
with scope as (
    select sp.*, ap.agent_id, ap.team, ap.department, ap.active_share
    from mart.scheme_periods sp
    join mart.agent_periods ap using (period_type, period)
    where (len(sp.departments) = 0 or list_contains(sp.departments, ap.department))
      and (len(sp.roles) = 0 or list_contains(sp.roles, ap.role))
),
eligible as (
    select s.*, coalesce(t.value, 0) as tickets_resolved, coalesce(t.value, 0) >= s.min_tickets as enough_tickets
    from scope s
    left join mart.agent_metrics t
        on t.metric = 'tickets_resolved' and t.period_type = s.period_type and t.period = s.period and t.agent_id = s.agent_id
),
vals as (
    select e.scheme_id, e.version, e.sha256, e.period_type, e.period, e.months, e.agent_id, e.team, e.department,
        e.active_share, e.tickets_resolved, e.enough_tickets, e.bayes_prior_weight,
        i.dimension_id, i.dimension_weight, i.indicator_id, i.metric, i.metric_kind, i.direction, i.weight,
        i.nominal_weight, i.method, i.adjust, i.min_sample, i.missing_policy, i.ord,
        case when i.per_month then i.floor * e.months * e.active_share else i.floor end as floor_used,
        case when i.per_month then i.target * e.months * e.active_share else i.target end as target_used,
        m.value as raw_value, m.n as sample, m.numerator, m.denominator, m.p90, m.mean,
        d.value as department_value
    from eligible e
    join scheme.indicators i using (scheme_id, version)
    left join mart.agent_metrics m
        on m.period_type = e.period_type and m.period = e.period and m.agent_id = e.agent_id and m.metric = i.metric
    left join mart.department_metrics d
        on d.period_type = e.period_type and d.period = e.period and d.department = e.department and d.metric = i.metric
),
adjusted as (
    select *,
        case
            when raw_value is null then 'no data in the period'
            when coalesce(sample, 0) < min_sample then format('sample {} is below the minimum {}', coalesce(sample, 0), min_sample)
        end as missing_reason,
        case
            when raw_value is null or coalesce(sample, 0) < min_sample then null
            when adjust = 'bayes' and department_value is not null
                then bayes_average(raw_value, sample, department_value, bayes_prior_weight)
            when adjust = 'wilson' and metric_kind = 'rate100' and direction = 'lower'
                then 100 * wilson_upper(least(1, raw_value / 100), sample)
            when adjust = 'wilson' and metric_kind = 'rate100' then 100 * wilson_lower(least(1, raw_value / 100), sample)
            when adjust = 'wilson' and direction = 'lower' then wilson_upper(raw_value, sample)
            when adjust = 'wilson' then wilson_lower(raw_value, sample)
            else raw_value
        end as used_value
    from vals
),
ranked_peers as (
    -- percentile scoring: the share of ranked peers (same scheme, period, department) with a value no better
    select *,
        enough_tickets and used_value is not null as is_peer,
        sum(case when enough_tickets and used_value is not null then 1 else 0 end) over (
            partition by scheme_id, period_type, period, department, indicator_id
            order by used_value asc range between unbounded preceding and current row) as peers_at_or_below,
        sum(case when enough_tickets and used_value is not null then 1 else 0 end) over (
            partition by scheme_id, period_type, period, department, indicator_id
            order by used_value desc range between unbounded preceding and current row) as peers_at_or_above,
        sum(case when enough_tickets and used_value is not null then 1 else 0 end) over (
            partition by scheme_id, period_type, period, department, indicator_id) as peers
    from adjusted
),
scored as (
    select * exclude (peers_at_or_below, peers_at_or_above),
        case
            when used_value is null then null
            when method = 'target' then 100 * greatest(0, least(1, (used_value - floor_used) / (target_used - floor_used)))
            when peers = 0 then null
            when direction = 'higher' then 100.0 * peers_at_or_below / peers
            else 100.0 * peers_at_or_above / peers
        end as computed_score
    from ranked_peers
),
final_score as (
    select *,
        case
            when computed_score is not null then computed_score
            when missing_policy = 'floor' then 0
        end as score,
        case
            when computed_score is not null then null
            when used_value is not null and method = 'percentile' then 'no ranked peers to compare with'
            else missing_reason
        end as missing,
        computed_score is null and missing_policy = 'floor' as scored_at_floor
    from scored
),
dimension_present as (
    select scheme_id, period_type, period, agent_id, dimension_id,
        det_sum(case when score is not null then weight end) as dimension_present_weight
    from final_score
    group by all
),
dimension_weights as (
    select f.*, d.dimension_present_weight
    from final_score f
    join dimension_present d using (scheme_id, period_type, period, agent_id, dimension_id)
),
present_dimensions as (
    select scheme_id, period_type, period, agent_id, det_sum(dimension_weight) as present_dimension_weight
    from (select distinct scheme_id, period_type, period, agent_id, dimension_id, dimension_weight
          from dimension_weights where dimension_present_weight > 0)
    group by all
)
select d.*,
    case when d.score is null then 0
         else d.dimension_weight * 100 / p.present_dimension_weight * d.weight / d.dimension_present_weight
    end as effective_weight,
    case when d.score is null then 0
         else d.score * (d.dimension_weight / p.present_dimension_weight) * (d.weight / d.dimension_present_weight)
    end as contribution
from dimension_weights d
left join present_dimensions p using (scheme_id, period_type, period, agent_id)
