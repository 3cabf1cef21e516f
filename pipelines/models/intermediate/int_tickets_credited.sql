-- The tickets that count, with the credit rules of METRICS.md:
-- resolution, reopen and SLA go to the resolver (else the assignee at resolution);
-- the first response to the first responder (else the assignee); a complaint to the agent it names (else the resolver).
-- Corrections of accepted appeals (meta.corrections) apply here, to the inputs: an excluded ticket no longer counts
-- for the appellant in any role; a reattributed ticket counts for the other agent wherever it counted for the appellant.
-- Tickets deleted, marked as spam or merged into another never count; nor does a ticket whose newest version is
-- quarantined (stg_tickets_held): it is held out until a corrected version is loaded.
with corrections as (
    select ticket_id, arg_max(kind, correction_id) as kind, arg_max(agent_id, correction_id) as appellant,
        arg_max(to_agent_id, correction_id) as to_agent_id
    from meta.corrections
    where kind in ('exclude_ticket', 'reattribute_ticket')
    group by ticket_id
),
credited as (
    select t.*,
        coalesce(t.resolved_by, t.assignee_id) as resolver,
        coalesce(t.first_responder_id, t.assignee_id) as responder,
        coalesce(t.complaint_agent_id, t.resolved_by, t.assignee_id) as complained_of,
        c.kind as correction, c.appellant, c.to_agent_id
    from stg.tickets t
    left join corrections c using (ticket_id)
    where t.status not in ('deleted', 'spam', 'merged')
        and t.ticket_id not in (select ticket_id from stg.tickets_held)
)
select
    ticket_id,
    source,
    created_at,
    first_response_at,
    resolved_at,
    closed_at,
    status,
    priority,
    category,
    channel,
    queue,
    assignee_id,
    case when resolver = appellant then case correction when 'reattribute_ticket' then to_agent_id end else resolver end as resolver_id,
    case when responder = appellant then case correction when 'reattribute_ticket' then to_agent_id end else responder end as responder_id,
    case when resolver = appellant then case correction when 'reattribute_ticket' then to_agent_id end else resolver end as holder_id,
    case when complained_of = appellant then case correction when 'reattribute_ticket' then to_agent_id end else complained_of end
        as complaint_agent_id,
    correction,
    reassign_count,
    reopen_count,
    reopen_count > 0 as reopened,
    sla_due_at,
    case
        when sla_breached is not null then not sla_breached
        when sla_due_at is not null and resolved_at is not null then resolved_at <= sla_due_at
    end as sla_met,
    complaint,
    resolution_ms,
    first_response_ms,
    resolution_hours,
    first_response_minutes,
    batch_id
from credited
