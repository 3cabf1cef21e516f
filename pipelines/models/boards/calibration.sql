-- audience: management
-- shard_only: yes
-- about: each team's score distribution beside the rest of the department, with the team effect and its 95% interval; management only
select period_type, period, team, measure_kind, measure_id, agents, mean_score, p10, p25, median_score, p75, p90,
  rest_mean, effect, effect_low, effect_high, clear_effect
from mart.calibration where scheme_id = $scheme and team is not null order by period, measure_kind, measure_id, team
