-- Tickets in their newest version (the row in force of each key), renamed and cast for the models: no rule here.
-- Durations are whole milliseconds (so that their sums, for means, are exact and repeatable) and the same in hours
-- and minutes. Who is credited, which tickets count and the corrections of appeals are int_tickets_credited.
-- batch_id names the input batch (meta.batches) the row in force came from: the proof of a published number.
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
    first_responder_id,
    resolved_by,
    complaint_agent_id,
    reassign_count,
    reopen_count,
    sla_due_at,
    sla_breached,
    complaint,
    ms_between(created_at, resolved_at) as resolution_ms,
    ms_between(created_at, first_response_at) as first_response_ms,
    ms_between(created_at, resolved_at) / 3600000.0 as resolution_hours,
    ms_between(created_at, first_response_at) / 60000.0 as first_response_minutes,
    _batch_id as batch_id
from raw.tickets
where _current
