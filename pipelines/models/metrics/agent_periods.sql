-- The agents active in each period (hired before its end, not left before its start), with the share of the
-- period they were active while the data covers it (per-month targets scale with it) and their tenure at its end.
with spans as (
    select
        p.period_type,
        p.period,
        p.end_date - p.start_date as period_days,
        greatest(p.coverage_start, a.hire_date) as active_from,
        least(p.coverage_end, coalesce(a.leave_date + 1, p.coverage_end)) as active_to,
        p.end_date,
        a.*
    from mart.periods p
    join stg.agents a
        on a.hire_date < p.end_date
        and (a.leave_date is null or a.leave_date >= p.start_date)
)
select
    period_type,
    period,
    agent_id,
    display_name,
    team,
    department,
    role,
    hire_date,
    leave_date,
    active_to - active_from as active_days,
    period_days,
    (active_to - active_from) / period_days as active_share,
    date_diff('month', hire_date, end_date - 1) as tenure_months
from spans
where active_to > active_from
