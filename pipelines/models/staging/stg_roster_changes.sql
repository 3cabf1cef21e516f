-- Roster history: the agent's team, department, role and manager from effective_from on (NULL keeps the value before).
select agent_id, effective_from, team, department, role, manager_id, previous_team, previous_department, _batch_id as batch_id
from raw.roster_changes
where _current
