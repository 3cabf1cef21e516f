-- Tickets held out of the metrics because their newest version is quarantined (METRICS.md, "Versions of a ticket"):
-- a quarantined version newer than the version in force, or one that cannot be ordered against it (its updated_at
-- or its status could not be read), keeps an older version from counting as if nothing had happened. Loading a
-- corrected version at least as new (or a roster that names its agent) releases the ticket: ingest resolves the
-- quarantined copy then. The status order is the contract's (core/contracts/tables.ts, TICKET_STATUS_RANK).
-- The quarantined versions are read first (few), then the versions in force of their tickets only (the status order is
-- written for each: a shared CTE of both made DuckDB scan every version again): a view that every
-- reader of the credited tickets evaluates, so it must not scan every version of every ticket (0.2 s at 1M tickets).
with quarantined as (
    select ticket_id, updated_at, _batch_id, _record,
        case status when 'deleted' then 7 when 'spam' then 7 when 'merged' then 7 when 'closed' then 6 when 'resolved' then 5
            when 'pending' then 4 when 'on_hold' then 3 when 'open' then 2 when 'new' then 1 end as status_rank
    from raw.tickets
    where _bad
),
current as (
    select ticket_id, updated_at, _batch_id,
        case status when 'deleted' then 7 when 'spam' then 7 when 'merged' then 7 when 'closed' then 6 when 'resolved' then 5
            when 'pending' then 4 when 'on_hold' then 3 when 'open' then 2 when 'new' then 1 end as status_rank
    from raw.tickets
    where _current and ticket_id in (select ticket_id from quarantined)
),
held as (
    select c.ticket_id, c._batch_id as batch_id, q._batch_id as quarantined_batch_id, q._record as quarantined_record,
        row_number() over (partition by c.ticket_id order by q._batch_id desc, q._record) as n
    from quarantined q
    join current c on c.ticket_id = q.ticket_id
    where (
        q.updated_at is null or q.updated_at > c.updated_at
        or (q.updated_at = c.updated_at and (q.status_rank is null or q.status_rank > c.status_rank)))
)
select ticket_id, batch_id, quarantined_batch_id, quarantined_record
from held
where n = 1
