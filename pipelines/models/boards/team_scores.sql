-- audience: staff
-- shard_only: no
-- about: team and department (team null) results per period
select period_type, period, department, team, agents, ranked_agents, mean_composite, median_composite,
  min_composite, max_composite, sd_composite, mean_change
from mart.team_scores where scheme_id = $scheme order by period, team nulls first
