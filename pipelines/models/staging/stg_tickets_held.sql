-- Tickets held out of the metrics because their newest version is quarantined (METRICS.md, "Versions of a ticket"):
-- a quarantined version newer than the version in force, or one that cannot be ordered against it (its updated_at
-- or its status could not be read), keeps an older version from counting as if nothing had happened. Loading a
-- corrected version at least as new (or a roster that names its agent) releases the ticket: ingest resolves the
-- quarantined copy then. The status order is the contract's (core/contracts/tables.ts, TICKET_STATUS_RANK).
with versions as (
    select ticket_id, updated_at, _batch_id, _record, _bad, _current,
        case status when 'deleted' then 7 when 'spam' then 7 when 'merged' then 7 when 'closed' then 6 when 'resolved' then 5
            when 'pending' then 4 when 'on_hold' then 3 when 'open' then 2 when 'new' then 1 end as status_rank
    from raw.tickets
    where _bad or _current
),
held as (
    select c.ticket_id, c._batch_id as batch_id, q._batch_id as quarantined_batch_id, q._record as quarantined_record,
        row_number() over (partition by c.ticket_id order by q._batch_id desc, q._record) as n
    from versions q
    join versions c on c.ticket_id = q.ticket_id and c._current
    where q._bad and (
        q.updated_at is null or q.updated_at > c.updated_at
        or (q.updated_at = c.updated_at and (q.status_rank is null or q.status_rank > c.status_rank)))
)
select ticket_id, batch_id, quarantined_batch_id, quarantined_record
from held
where n = 1
