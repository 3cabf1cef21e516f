-- audience: staff
-- shard_only: yes
-- about: each agent's own appeals (agent page): indicator, state and dates; never the reason, evidence or decision text
select period, agent_id, appeal_id, indicator_id, state, strftime(filed_at, '%Y-%m-%d') as filed_at, strftime(decided_at, '%Y-%m-%d') as decided_at
from meta.appeals where scheme_id = $scheme and period in $named_periods order by period, agent_id, appeal_id
