-- audience: staff
-- shard_only: no
-- about: moves between teams and departments from the roster history: agent, day, quarter, from and to (the HR board)
select agent_id, display_name, effective_from::varchar as effective_from, quarter, from_team, to_team, from_department, to_department
from mart.team_moves order by effective_from, agent_id
