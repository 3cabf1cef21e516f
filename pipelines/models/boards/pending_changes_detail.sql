-- audience: management
-- shard_only: yes
-- about: per published period, agent and figure: the published (frozen) value and what the latest run computed; management only
select c.period, c.state, c.revision, c.agent_id, a.display_name, c.figure, c.old, c.new
from meta.pending_changes c left join stg.agents a using (agent_id)
where c.scheme_id = $scheme order by c.period, c.agent_id nulls last, c.figure
