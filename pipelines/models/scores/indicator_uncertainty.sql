-- How far each indicator score could move with the luck of the sample, for the schemes and period types that ask for
-- rank uncertainty (uncertainty: in the scheme file): the value's sampling standard error (agent_metrics.se, from the
-- agent's tickets, CSAT responses, audits and survey responses) carried through the scheme's own scoring rule by
-- scoring the value one standard error either side (the same small-sample adjustment toward the published department
-- value, floor and target with their clamps, or the percentile among the published peers). score_se is half the
-- distance between the two scores. Values that are not samples (trainings, certifications, contributions, 360
-- reviews) have no standard error and a score_se of 0.
-- incremental: by period
with period_types as (
    select distinct unnest(uncertainty_period_types) as period_type from scheme.versions
),
errors as (
    select m.period_type, m.period, m.agent_id, m.metric, m.se
    from mart.agent_metrics m
    semi join period_types using (period_type)
    where m.se is not null
),
scope as (
    select s.scheme_id, s.version, s.period_type, s.period, s.agent_id, s.department, s.indicator_id, s.ord, s.raw_value,
        s.sample, s.department_value, s.floor_used, s.target_used, s.score, s.effective_weight,
        i.metric, i.metric_kind, i.direction, i.adjust, i.method, v.bayes_prior_weight, m.se as raw_se
    from mart.indicator_scores s
    join scheme.versions v on v.scheme_id = s.scheme_id and v.version = s.version
    join scheme.indicators i on i.scheme_id = s.scheme_id and i.version = s.version and i.indicator_id = s.indicator_id
    left join errors m
        on m.period_type = s.period_type and m.period = s.period and m.agent_id = s.agent_id and m.metric = i.metric
    where list_contains(v.uncertainty_period_types, s.period_type) and s.score is not null
),
shifted as (
    select *,
        adjusted_value(adjust, metric_kind, direction, raw_value - coalesce(raw_se, 0), sample, department_value, bayes_prior_weight) as used_below,
        adjusted_value(adjust, metric_kind, direction, raw_value + coalesce(raw_se, 0), sample, department_value, bayes_prior_weight) as used_above
    from scope
),
peers as (
    -- the published values of the ranked peers of percentile-scored indicators (the peers indicator_scores counts),
    -- each with the number of peers at or below and at or above it
    select v.scheme_id, v.period_type, v.period, v.department, v.indicator_id, v.used_value,
        count(*) over (partition by v.scheme_id, v.period_type, v.period, v.department, v.indicator_id
                       order by v.used_value asc range between unbounded preceding and current row) as at_or_below,
        count(*) over (partition by v.scheme_id, v.period_type, v.period, v.department, v.indicator_id
                       order by v.used_value desc range between unbounded preceding and current row) as at_or_above,
        count(*) over (partition by v.scheme_id, v.period_type, v.period, v.department, v.indicator_id) as peers
    from mart.indicator_scores v
    join scheme.indicators i using (scheme_id, version, indicator_id)
    join scheme.versions sv using (scheme_id, version)
    where i.method = 'percentile' and v.enough_tickets and v.used_value is not null
      and list_contains(sv.uncertainty_period_types, v.period_type)
),
percentile_shifts as (
    -- the percentile a shifted value would have among the published peers
    select x.scheme_id, x.period_type, x.period, x.agent_id, x.indicator_id, x.side,
        case when x.direction = 'higher' then 100.0 * coalesce(lo.at_or_below, 0) / t.peers
             else 100.0 * coalesce(hi.at_or_above, 0) / t.peers end as shifted_score
    from (
        select scheme_id, period_type, period, department, agent_id, indicator_id, direction, 'below' as side, used_below as value
        from shifted where method = 'percentile'
        union all
        select scheme_id, period_type, period, department, agent_id, indicator_id, direction, 'above', used_above
        from shifted where method = 'percentile'
    ) x
    join (select distinct scheme_id, period_type, period, department, indicator_id, peers from peers) t
        using (scheme_id, period_type, period, department, indicator_id)
    asof left join peers lo
        on lo.scheme_id = x.scheme_id and lo.period_type = x.period_type and lo.period = x.period
        and lo.department = x.department and lo.indicator_id = x.indicator_id and lo.used_value <= x.value
    asof left join peers hi
        on hi.scheme_id = x.scheme_id and hi.period_type = x.period_type and hi.period = x.period
        and hi.department = x.department and hi.indicator_id = x.indicator_id and hi.used_value >= x.value
),
scored as (
    select s.*,
        case when s.raw_se is null then s.score
             when s.method = 'target' then target_score(s.used_below, s.floor_used, s.target_used)
             else coalesce(b.shifted_score, s.score) end as score_below,
        case when s.raw_se is null then s.score
             when s.method = 'target' then target_score(s.used_above, s.floor_used, s.target_used)
             else coalesce(a.shifted_score, s.score) end as score_above
    from shifted s
    left join percentile_shifts b on b.side = 'below' and b.scheme_id = s.scheme_id and b.period = s.period
        and b.agent_id = s.agent_id and b.indicator_id = s.indicator_id
    left join percentile_shifts a on a.side = 'above' and a.scheme_id = s.scheme_id and a.period = s.period
        and a.agent_id = s.agent_id and a.indicator_id = s.indicator_id
)
select scheme_id, version, period_type, period, agent_id, department, indicator_id, ord, metric, raw_value, raw_se, sample,
    score, least(score_below, score_above) as score_low, greatest(score_below, score_above) as score_high,
    abs(score_above - score_below) / 2 as score_se,
    effective_weight,
    effective_weight / 100 * abs(score_above - score_below) / 2 as contribution_se
from scored
