-- Each agent's assignments over time: [valid_from, valid_to) with the team, department, role and manager in force,
-- from the roster history (stg.roster_changes) and the roster. An agent without history has one open interval with
-- the roster's values. With history: each change holds from its day until the agent's next change; an empty field
-- keeps the value before it (before the first change: the roster's). Before the first change, the change's
-- previous_team / previous_department hold where the file has them, else the first change's values (a snapshot or a
-- job-history file starts with the agent's first assignment). The history wins over the roster's current team.
with changes as (
    select c.agent_id, c.effective_from,
        coalesce(last_value(c.team ignore nulls) over w, a.team) as team,
        coalesce(last_value(c.department ignore nulls) over w, a.department) as department,
        coalesce(last_value(c.role ignore nulls) over w, a.role) as role,
        coalesce(last_value(c.manager_id ignore nulls) over w, a.manager_id) as manager_id,
        c.previous_team, c.previous_department,
        row_number() over w as n
    from stg.roster_changes c
    join stg.agents a using (agent_id)
    window w as (partition by c.agent_id order by c.effective_from rows between unbounded preceding and current row)
),
assignments as (
    select agent_id, effective_from as valid_from, team, department, role, manager_id, true as from_history
    from changes
    union all
    -- before the first change
    select agent_id, '-infinity'::date, coalesce(previous_team, team), coalesce(previous_department, department), role, manager_id, true
    from changes where n = 1
    union all
    -- agents without history
    select a.agent_id, '-infinity'::date, a.team, a.department, a.role, a.manager_id, false
    from stg.agents a anti join stg.roster_changes c using (agent_id)
)
select agent_id, valid_from,
    coalesce(lead(valid_from) over (partition by agent_id order by valid_from), 'infinity'::date) as valid_to,
    team, department, role, manager_id, from_history
from assignments
