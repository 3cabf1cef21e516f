-- Tickets in their newest version, with the credit rules of METRICS.md:
-- resolution, reopen and SLA go to the resolver (else the assignee at resolution);
-- the first response to the first responder (else the assignee); a complaint to the agent it names (else the resolver).
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
    coalesce(resolved_by, assignee_id) as resolver_id,
    coalesce(first_responder_id, assignee_id) as responder_id,
    coalesce(resolved_by, assignee_id) as holder_id,
    coalesce(complaint_agent_id, resolved_by, assignee_id) as complaint_agent_id,
    reassign_count,
    reopen_count,
    reopen_count > 0 as reopened,
    sla_due_at,
    case
        when sla_breached is not null then not sla_breached
        when sla_due_at is not null and resolved_at is not null then resolved_at <= sla_due_at
    end as sla_met,
    complaint,
    -- durations as whole milliseconds, so that their sums (for means) are exact and repeatable
    date_diff('millisecond', created_at, resolved_at) as resolution_ms,
    date_diff('millisecond', created_at, first_response_at) as first_response_ms,
    date_diff('millisecond', created_at, resolved_at) / 3600000.0 as resolution_hours,
    date_diff('millisecond', created_at, first_response_at) / 60000.0 as first_response_minutes
from raw.tickets
where _current
