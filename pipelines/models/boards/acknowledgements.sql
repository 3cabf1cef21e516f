-- audience: staff
-- shard_only: yes
-- about: each agent's acknowledgement (双向确认) of a published period: the date and the revision acknowledged
select period, agent_id, strftime(acknowledged_at, '%Y-%m-%d') as acknowledged_at, revision
from meta.acknowledgements where scheme_id = $scheme and period in $named_periods order by period, agent_id
