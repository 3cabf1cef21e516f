-- Every month, quarter and year the ticket data touches, as calendar periods in the department's time zone.
-- A period is complete when the sources cover it, never because some record carries a later timestamp (records
-- dated after their load are quarantined at ingest): each ticket source covers up to the newest of its batches'
-- coverage (meta.batch_coverage: an export up to when it was written, never after its load; an API page up to its
-- fetch) and of its cursors (an API source that found nothing new still moved on). For a period, the sources that
-- count are those still delivering then (coverage reaching into the period, or data in it or later); it is covered
-- up to the earliest of their coverage. The data starts on the first day with a ticket: an earlier part of the first
-- month is not covered. Per-month targets scale with the covered part.
-- A refresh moves every period's as_of, which only the tracker (built in full) reads: an incremental build compares
-- the periods without it (pipelines/incremental.ts).
-- incremental: ignore as_of
with sources as (
    select b.source, max(coalesce(c.covers_to, b.started_at)) as covers_to
    from meta.batches b
    left join meta.batch_coverage c using (batch_id)
    where b.target_table = 'tickets' and b.rows_read >= 0
    group by b.source
),
cursors as (
    select source, min(updated_at) as cursor_to from meta.source_cursors group by source
),
-- a source's last ticket day: the local date of its latest ticket (the same as the latest local date, a local date
-- never going back as time goes on; converting every ticket's time to a local date took 2.8 s at 10M tickets)
coverage as (
    select s.source, cast(greatest(s.covers_to, coalesce(c.cursor_to, s.covers_to)) as date) as covered_until,
        (select cast(max(t.created_at) as date) from int.tickets_credited t join meta.batches b2 on b2.batch_id = t.batch_id where b2.source = s.source) as last_event
    from sources s left join cursors c using (source)
),
bounds as (
    select
        cast(date_trunc('month', min(created_at)) as date) as first_month,
        cast(date_trunc('month', max(coalesce(resolved_at, created_at))) as date) as last_month,
        cast(min(created_at) as date) as data_start
    from int.tickets_credited
),
months as (
    select cast(unnest(generate_series(first_month, last_month, interval 1 month)) as date) as month_start, data_start
    from bounds
),
all_periods as (
    select 'month' as period_type, strftime(month_start, '%Y-%m') as period, month_start as start_date,
        cast(month_start + interval 1 month as date) as end_date, 1 as months, data_start
    from months
    union
    select 'quarter', quarter_key(month_start), cast(date_trunc('quarter', month_start) as date),
        cast(date_trunc('quarter', month_start) + interval 3 month as date), 3, data_start
    from months
    union
    select 'year', year_key(month_start), cast(date_trunc('year', month_start) as date),
        cast(date_trunc('year', month_start) + interval 1 year as date), 12, data_start
    from months
),
covered as (
    -- the day after the last whole day every source still delivering in the period covers (exclusive)
    select p.*, (select min(c.covered_until) from coverage c where c.covered_until >= p.start_date or c.last_event >= p.start_date) as as_of
    from all_periods p
)
select
    period_type,
    period,
    start_date,
    end_date,
    months,
    cast(start_date as timestamptz) as start_ts,
    cast(end_date as timestamptz) as end_ts,
    quarter_key(start_date) as quarter,
    year_key(start_date) as year,
    greatest(start_date, data_start) as coverage_start,
    greatest(least(end_date, coalesce(as_of, start_date)), greatest(start_date, data_start)) as coverage_end,
    coalesce(start_date >= data_start and end_date <= as_of, false) as is_complete,
    data_start,
    as_of
from covered
order by period_type, start_date
