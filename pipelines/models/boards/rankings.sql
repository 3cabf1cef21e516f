-- audience: staff
-- shard_only: yes
-- about: every scored agent per period: composite, grade, rank, percentile, change, or why not ranked
select r.period_type, r.period, r.version, r.agent_id, r.display_name, r.team, r.department, r.tenure_months,
  r.tickets_resolved, r.composite, r.grade, r.grade_name_en, r.grade_name_zh, r.weight_present,
  r.ranked, r.not_ranked_reason, r.department_rank, r.department_ranked, r.percentile, r.team_rank, r.team_ranked,
  t.previous_period, t.previous_composite, t.composite_change, t.previous_rank, t.rank_change,
  -- the rank's 95% interval (rank uncertainty), where the scheme asks for one
  ri.rank_low, ri.rank_high
from mart.rankings r
join mart.agent_trends t using (scheme_id, period_type, period, agent_id)
left join mart.rank_intervals ri using (scheme_id, period_type, period, agent_id)
where r.scheme_id = $scheme and r.period in $named_periods
order by r.period_type, r.period, r.ranked desc, r.department_rank, r.agent_id
