-- Moves between teams and departments from the roster history (agent_history), for the HR board: who moved, on which
-- day, from where to where, and the quarter of the move. Manager or role changes within a team are not moves.
with steps as (
    select agent_id, valid_from, team, department,
        lag(team) over w as from_team, lag(department) over w as from_department
    from mart.agent_history
    window w as (partition by agent_id order by valid_from)
)
select s.agent_id, a.display_name, s.valid_from as effective_from, quarter_key(s.valid_from) as quarter,
    s.from_team, s.team as to_team, s.from_department, s.department as to_department
from steps s
join stg.agents a using (agent_id)
where s.from_team is not null and (s.from_team <> s.team or s.from_department <> s.department)
