-- The tickets each agent held in each period, counted per kind of ticket (category x priority x channel): held,
-- resolved in the period, the exact sums of the log of their resolution hours and of its square, and their SLA
-- outcomes. What both the workload-mix fit (workload_expectations, summed over agents) and the agents'
-- observed-against-expected sums (agent_workload, joined with the fit per kind) read. Log hours are floored at one
-- minute; sums are exact decimals of 9 places (a log of hours is below 10), so a rerun gives the same bits.
-- Months are agent_month_cells; a quarter or a year is rolled up from its months: held is the first month's held plus
-- the tickets created in its other months, the rest are sums (the same rows as counting the tickets of the quarter
-- again: test/pipelines/models/metrics/agent_cells.test.ts). A refresh recomputes a touched quarter or year from all
-- of its months, those it did not touch included. The holder's department of the period (agent_periods, else the
-- roster's) is joined to the cells, not to every ticket.
-- incremental: by period
-- incremental: reads every period of mart.agent_month_cells
-- Both branches read agent_month_cells itself: from one CTE read twice, DuckDB stored the CTE's rows first and grouped
-- them more slowly (10M tickets, the ordered create, six or seven runs each interleaved: 9.4-13.0 -> 8.6-10.3 s; 1M: the query
-- 1.15-1.34 -> 0.97-1.09 s; the same rows, 2026-11-27).
with cells as (
    select period_type, period, agent_id, roster_department, category, priority, channel,
        held, resolved, sum_log_hours, sum_sq_log_hours, sla_n, sla_met
    from mart.agent_month_cells
    semi join mart.periods using (period_type, period)
    union all
    select p.period_type, p.period, c.agent_id, any_value(c.roster_department), c.category, c.priority, c.channel,
        cast(sum(case when c.month_start = p.start_date then c.held else c.created end) as bigint),
        cast(sum(c.resolved) as bigint),
        sum(c.sum_log_hours),
        sum(c.sum_sq_log_hours),
        cast(sum(c.sla_n) as bigint),
        cast(sum(c.sla_met) as bigint)
    from mart.periods p
    join (select *, cast(period || '-01' as date) as month_start from mart.agent_month_cells) c
        on c.month_start >= p.start_date and c.month_start < p.end_date
    where p.period_type <> 'month'
    group by p.period_type, p.period, c.agent_id, c.category, c.priority, c.channel
)
select c.period_type, c.period, c.agent_id, coalesce(ap.department, c.roster_department) as department,
    c.category, c.priority, c.channel, c.held, c.resolved, c.sum_log_hours, c.sum_sq_log_hours, c.sla_n, c.sla_met
from cells c
left join mart.agent_periods ap using (period_type, period, agent_id)
