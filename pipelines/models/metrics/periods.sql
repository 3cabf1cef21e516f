-- Every month, quarter and year the ticket data touches, as calendar periods in the department's time zone.
-- The data covers [data_start, as_of): from the first day with a ticket to the day after the last day with data.
-- A period is complete when the data covers all of it; per-month targets scale with the covered part.
with bounds as (
    select
        cast(date_trunc('month', min(created_at)) as date) as first_month,
        cast(date_trunc('month', max(coalesce(resolved_at, created_at))) as date) as last_month,
        cast(min(created_at) as date) as data_start,
        cast(max(greatest(created_at, coalesce(resolved_at, created_at), coalesce(closed_at, created_at))) as date) + 1 as as_of
    from stg.tickets
),
months as (
    select cast(unnest(generate_series(first_month, last_month, interval 1 month)) as date) as month_start, data_start, as_of
    from bounds
),
all_periods as (
    select 'month' as period_type, strftime(month_start, '%Y-%m') as period, month_start as start_date,
        cast(month_start + interval 1 month as date) as end_date, 1 as months, data_start, as_of
    from months
    union
    select 'quarter', quarter_key(month_start), cast(date_trunc('quarter', month_start) as date),
        cast(date_trunc('quarter', month_start) + interval 3 month as date), 3, data_start, as_of
    from months
    union
    select 'year', year_key(month_start), cast(date_trunc('year', month_start) as date),
        cast(date_trunc('year', month_start) + interval 1 year as date), 12, data_start, as_of
    from months
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
    least(end_date, as_of) as coverage_end,
    start_date >= data_start and end_date <= as_of as is_complete,
    data_start,
    as_of
from all_periods
order by period_type, start_date
