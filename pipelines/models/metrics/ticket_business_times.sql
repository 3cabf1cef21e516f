-- materialized: view
-- Each ticket's first response and resolution in working time (calendar_minutes), on the schedule of the team the
-- responder or resolver was in when the ticket was created (agent_history; a team without its own schedule is on the
-- default one), and whether it met its priority's business-hours SLA target (calendar.sla_targets). Computed only when
-- a scheme reads a business-hours metric: otherwise the view has no rows.
with wanted as (
    select count(*) > 0 as yes from scheme.indicators
    where metric in ('first_response_business_minutes_median', 'resolution_business_hours_median', 'sla_attainment_business')
),
team_schedule as (
    select unnest(teams) as team, schedule from calendar.schedules
),
default_schedule as (
    select schedule from calendar.schedules where is_default
),
tickets as (
    select t.ticket_id, t.created_at, t.first_response_at, t.resolved_at, t.priority, t.resolver_id, t.responder_id,
        coalesce(rs.schedule, (select schedule from default_schedule)) as resolver_schedule,
        coalesce(ps.schedule, (select schedule from default_schedule)) as responder_schedule
    from int.tickets_credited t
    left join mart.agent_history hr on hr.agent_id = t.resolver_id
        and cast(t.created_at as date) >= hr.valid_from and cast(t.created_at as date) < hr.valid_to
    left join team_schedule rs on rs.team = hr.team
    left join mart.agent_history hp on hp.agent_id = t.responder_id
        and cast(t.created_at as date) >= hp.valid_from and cast(t.created_at as date) < hp.valid_to
    left join team_schedule ps on ps.team = hp.team
    where (select yes from wanted)
),
local as (
    select t.*, s1.timezone as resolver_zone, s2.timezone as responder_zone
    from tickets t
    join calendar.schedules s1 on s1.schedule = t.resolver_schedule
    join calendar.schedules s2 on s2.schedule = t.responder_schedule
),
moments as (
    select l.ticket_id, l.priority, l.resolver_id, l.responder_id, l.created_at, l.first_response_at, l.resolved_at,
        c1.minutes_before + worked_until(c1.spans, minute_of_day(timezone(l.responder_zone, l.created_at))) as w_created_responder,
        c2.minutes_before + worked_until(c2.spans, minute_of_day(timezone(l.responder_zone, l.first_response_at))) as w_first_response,
        c3.minutes_before + worked_until(c3.spans, minute_of_day(timezone(l.resolver_zone, l.created_at))) as w_created_resolver,
        c4.minutes_before + worked_until(c4.spans, minute_of_day(timezone(l.resolver_zone, l.resolved_at))) as w_resolved
    from local l
    left join mart.calendar_minutes c1 on c1.schedule = l.responder_schedule and c1.day = cast(timezone(l.responder_zone, l.created_at) as date)
    left join mart.calendar_minutes c2 on c2.schedule = l.responder_schedule and c2.day = cast(timezone(l.responder_zone, l.first_response_at) as date)
    left join mart.calendar_minutes c3 on c3.schedule = l.resolver_schedule and c3.day = cast(timezone(l.resolver_zone, l.created_at) as date)
    left join mart.calendar_minutes c4 on c4.schedule = l.resolver_schedule and c4.day = cast(timezone(l.resolver_zone, l.resolved_at) as date)
)
select m.ticket_id, m.priority, m.resolver_id, m.responder_id, m.created_at, m.first_response_at, m.resolved_at,
    m.w_first_response - m.w_created_responder as first_response_business_minutes,
    (m.w_resolved - m.w_created_resolver) / 60.0 as resolution_business_hours,
    case when m.resolved_at is not null and g.hours is not null then (m.w_resolved - m.w_created_resolver) / 60.0 <= g.hours end
        as sla_met_business
from moments m
left join calendar.sla_targets g on g.priority = m.priority
