-- Each agent's composite, grade and rank over the periods of one type, with the change since the previous
-- period of the same type in which the agent was scored.
-- incremental: from the earliest touched period on
select scheme_id, version, period_type, period, agent_id, display_name, team, department,
    composite, grade, ranked, department_rank, department_ranked, percentile, in_bottom_group,
    lag(period) over w as previous_period,
    lag(composite) over w as previous_composite,
    composite - lag(composite) over w as composite_change,
    lag(department_rank) over w as previous_rank,
    lag(department_rank) over w - department_rank as rank_change
from mart.rankings
window w as (partition by scheme_id, period_type, agent_id order by period)
