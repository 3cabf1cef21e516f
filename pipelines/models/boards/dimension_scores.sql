-- audience: staff
-- shard_only: yes
-- about: each agent's dimension sub-scores per period
select period_type, period, agent_id, dimension_id, dimension_weight, score, effective_weight
from mart.dimension_scores where scheme_id = $scheme and period in $named_periods order by period, agent_id, dimension_id
