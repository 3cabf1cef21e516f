-- The tickets each agent held in each month, counted per kind of ticket (category x priority x channel), with how many
-- of them were created in the month: the months that agent_cells rolls up into quarters and years. A ticket held in
-- a quarter was either held at the start of its first month or created in one of its months, so the quarter's held
-- count is its first month's held plus the other months' created; every other count and sum is the months' sum
-- (a ticket is resolved in one month). One pass over the tickets' months instead of their months, quarters and years
-- (at 10M tickets: 10.3M ticket-months, against 30.4M ticket-periods). Counts are BIGINT: count_if gives a HUGEINT, which
-- DuckDB stores and scans about ten times slower (1.2 s a column for 3.3M cells at 10M tickets). The two flags are
-- never NULL, so they are counted with a filter (count_if of nothing but NULLs would be NULL: sla_met keeps it); the
-- period type, the same on every row, is not a grouping key (at 10M tickets the query, four runs each interleaved:
-- 6.9-7.2 -> 5.7-7.0 s).
-- incremental: by period
select 'month' as period_type, period, agent_id, any_value(roster_department) as roster_department, category, priority, channel,
    count(*) as held,
    count(*) filter (where created_in_period) as created,
    count(*) filter (where resolved_in_period) as resolved,
    -- only the tickets resolved in the month (greatest() skips a NULL: without the filter, a ticket still open counted
    -- as resolved in a minute; a bug until 2026-11-26 that pulled expected and observed hours down)
    sum(cast(ln(greatest(resolution_hours, 1.0 / 60)) as decimal(18, 9))) filter (where resolution_hours is not null) as sum_log_hours,
    sum(cast(pow(ln(greatest(resolution_hours, 1.0 / 60)), 2) as decimal(18, 9))) filter (where resolution_hours is not null) as sum_sq_log_hours,
    count(sla_met) as sla_n,
    cast(count_if(sla_met) as bigint) as sla_met
from mart.ticket_periods
where period_type = 'month'
group by period, agent_id, category, priority, channel
