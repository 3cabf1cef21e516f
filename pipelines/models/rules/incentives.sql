-- Incentives from the scheme's rules, per agent and period (ranked agents): bonus eligibility (composite at or above
-- the target), promotion priority (on target in the scheme's number of consecutive periods of the same type), a
-- training offer (below the training threshold) and honours (the department's top K).
-- incremental: from the earliest touched period on
with base as (
    select r.scheme_id, r.version, r.period_type, r.period, r.agent_id, r.display_name, r.team, r.department, r.composite,
        r.grade, r.ranked, r.department_rank,
        v.bonus_min_score, v.promotion_consecutive_periods, v.training_below_score, v.honours_top,
        r.ranked and r.composite >= v.bonus_min_score as on_target
    from mart.rankings r
    join scheme.versions v on v.scheme_id = r.scheme_id and v.version = r.version
),
streaks as (
    select *,
        row_number() over (partition by scheme_id, period_type, agent_id order by period)
          - row_number() over (partition by scheme_id, period_type, agent_id, on_target order by period) as island
    from base
),
counted as (
    select *,
        case when on_target then count(*) over (partition by scheme_id, period_type, agent_id, on_target, island order by period
                                               rows between unbounded preceding and current row) else 0 end as periods_on_target
    from streaks
)
select scheme_id, version, period_type, period, agent_id, display_name, team, department, composite, grade, department_rank,
    on_target as bonus_eligible,
    periods_on_target,
    periods_on_target >= promotion_consecutive_periods as promotion_priority,
    ranked and composite < training_below_score as training_offer,
    ranked and department_rank <= honours_top as honours,
    bonus_min_score, promotion_consecutive_periods, training_below_score, honours_top
from counted
