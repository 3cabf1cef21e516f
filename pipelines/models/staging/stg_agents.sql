-- The roster in force: one row per agent.
select
    agent_id,
    display_name,
    team,
    department,
    role,
    manager_id,
    hire_date,
    leave_date
from raw.agents
where _current
