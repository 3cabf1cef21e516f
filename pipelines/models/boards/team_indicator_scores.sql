-- audience: staff
-- shard_only: no
-- about: mean indicator score and value per team and department (team null) over ranked agents
select period_type, period, department, team, dimension_id, indicator_id, metric, mean_score, mean_value, agents_scored
from mart.team_indicator_scores where scheme_id = $scheme order by period, team nulls first, indicator_id
