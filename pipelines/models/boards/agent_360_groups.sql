-- audience: staff
-- shard_only: yes
-- about: 360 means per agent, period, rater group and dimension; only groups that may be shown, never a rater
select period_type, period, agent_id, relation, dimension, raters, mean_score
from mart.agent_360_groups where shown and period in $named_periods order by period, agent_id, relation, dimension
