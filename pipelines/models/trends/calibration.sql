-- Calibration (management build): each team's distribution of the composite, the dimension scores and the indicator
-- scores of its ranked agents, beside the rest of the department, with the team effect (team mean minus the mean of
-- the department's other agents) and its 95% interval (Welch: the two groups' own variances; Student's t for their
-- degrees of freedom). clear_effect: the interval excludes 0, so the team differs beyond what its size explains.
-- A team that stands out on the 360 indicators alone points at its raters (see rater_calibration).
-- incremental: by period
with scores as (
    select r.scheme_id, r.period_type, r.period, r.department, r.team, r.agent_id, 'composite' as measure_kind,
        'composite' as measure_id, r.composite as score
    from mart.rankings r where r.ranked
    union all
    select d.scheme_id, d.period_type, d.period, r.department, r.team, d.agent_id, 'dimension', d.dimension_id, d.score
    from mart.dimension_scores d
    join mart.rankings r using (scheme_id, period_type, period, agent_id)
    where r.ranked and d.score is not null
    union all
    select s.scheme_id, s.period_type, s.period, r.department, r.team, s.agent_id, 'indicator', s.indicator_id, s.score
    from mart.indicator_scores s
    join mart.rankings r using (scheme_id, period_type, period, agent_id)
    where r.ranked and s.score is not null
),
teams as (
    select scheme_id, period_type, period, department, team, measure_kind, measure_id,
        count(*) as agents,
        det_sum(score) as sum_score,
        det_sum(score * score) as sum_sq,
        min(score) as min_score,
        quantile_cont(score, [0.1, 0.25, 0.5, 0.75, 0.9]) as quantiles,
        max(score) as max_score
    from scores
    group by all
),
departments as (
    select scheme_id, period_type, period, department, measure_kind, measure_id,
        sum(agents) as agents, det_sum(sum_score) as sum_score, det_sum(sum_sq) as sum_sq
    from teams
    group by all
),
compared as (
    select t.*,
        d.agents - t.agents as rest_agents,
        t.sum_score / t.agents as mean_score,
        sd_from_sums(t.sum_score, t.sum_sq, t.agents) as sd_score,
        (d.sum_score - t.sum_score) / nullif(d.agents - t.agents, 0) as rest_mean,
        sd_from_sums(d.sum_score - t.sum_score, d.sum_sq - t.sum_sq, d.agents - t.agents) as rest_sd
    from teams t
    join departments d using (scheme_id, period_type, period, department, measure_kind, measure_id)
),
effects as (
    select *,
        mean_score - rest_mean as effect,
        sqrt(pow(sd_score, 2) / agents + pow(rest_sd, 2) / nullif(rest_agents, 0)) as effect_se,
        welch_df(pow(sd_score, 2), agents, pow(rest_sd, 2), rest_agents) as effect_df
    from compared
)
select scheme_id, period_type, period, department, team, measure_kind, measure_id,
    agents, mean_score, sd_score, min_score,
    quantiles[1] as p10, quantiles[2] as p25, quantiles[3] as median_score, quantiles[4] as p75, quantiles[5] as p90,
    max_score, rest_agents, rest_mean, rest_sd,
    effect,
    case when agents >= 2 and rest_agents >= 2 and effect_df > 0 then effect - t975(effect_df) * effect_se end as effect_low,
    case when agents >= 2 and rest_agents >= 2 and effect_df > 0 then effect + t975(effect_df) * effect_se end as effect_high,
    coalesce(agents >= 2 and rest_agents >= 2 and effect_df > 0 and abs(effect) > t975(effect_df) * effect_se, false) as clear_effect
from effects
