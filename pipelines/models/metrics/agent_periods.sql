-- The agents active in each period (hired before its end, not left before its start), with the share of the
-- period they were active while the data covers it (per-month targets scale with it) and their tenure at its end.
-- Team, department, role and manager are those the agent was in then (agent_history): where the agent moved during
-- the period, the assignment that held for the most of their active days in it (on a tie, the later one), so that
-- every period credits the team the agent worked in.
with spans as (
    select
        p.period_type,
        p.period,
        p.end_date - p.start_date as period_days,
        greatest(p.coverage_start, a.hire_date) as active_from,
        least(p.coverage_end, coalesce(a.leave_date + 1, p.coverage_end)) as active_to,
        p.end_date,
        a.* exclude (team, department, role, manager_id)
    from mart.periods p
    join stg.agents a
        on a.hire_date < p.end_date
        and (a.leave_date is null or a.leave_date >= p.start_date)
),
assigned as (
    -- the days of each assignment in the period, summed over its intervals (dated snapshots repeat an assignment)
    select s.period_type, s.period, s.agent_id, h.team, h.department, h.role, h.manager_id
    from spans s
    join mart.agent_history h
        on h.agent_id = s.agent_id and h.valid_from < s.active_to and h.valid_to > s.active_from
    where s.active_to > s.active_from
    group by s.period_type, s.period, s.agent_id, h.team, h.department, h.role, h.manager_id
    qualify row_number() over (partition by s.period_type, s.period, s.agent_id
                               order by sum(least(s.active_to, h.valid_to) - greatest(s.active_from, h.valid_from)) desc,
                                   max(h.valid_from) desc) = 1
)
select
    s.period_type,
    s.period,
    s.agent_id,
    s.display_name,
    h.team,
    h.department,
    h.role,
    s.hire_date,
    s.leave_date,
    s.active_to - s.active_from as active_days,
    s.period_days,
    (s.active_to - s.active_from) / s.period_days as active_share,
    date_diff('month', s.hire_date, s.end_date - 1) as tenure_months
from spans s
join assigned h using (period_type, period, agent_id)
where s.active_to > s.active_from
