-- audience: staff
-- shard_only: yes
-- about: per agent and period: bonus eligibility, promotion priority, training offer, honours, from the scheme's rules
select period_type, period, agent_id, bonus_eligible, periods_on_target, promotion_priority, training_offer, honours
from mart.incentives where scheme_id = $scheme and period in $named_periods order by period, agent_id
