-- The workload-mix model: what the department's own history says to expect of a ticket of each kind (category x
-- priority x channel), per department and period, so that an agent on a queue of hard tickets is compared with what
-- those tickets take, not with the department's easy ones.
--   expected_hours            resolution time: the geometric mean (mean of the logarithm) of the hours of resolved
--                             tickets of the kind
--   expected_resolution_odds  the share of tickets of the kind held open in a period that were resolved in it
--   expected_sla_odds         the share of resolved tickets of the kind (with an SLA) that met it
-- Fitted in SQL on the fit window: the periods of the same type that end within the 12 months up to the period's end
-- (a month: 12 months; a quarter: 4 quarters; a year: the year), so a period's expectations never depend on later
-- data (fit_from: where the window's data starts). Small cells borrow strength from the level above (kind ->
-- category x priority -> category -> department), each level shrunk toward its parent with a prior weight of 30
-- tickets: (sum + 30 * parent) / (n + 30).
-- Sums are exact decimals, so a rerun gives the same bits.
with per_period as (
    select period_type, period, department, category, priority, channel,
        sum(held) as held,
        sum(resolved) as resolved,
        sum(sum_log_hours) as sum_log_hours,
        sum(sla_n) as sla_n,
        sum(sla_met) as sla_met
    from mart.agent_cells
    group by all
),
windows as (
    select p.period_type, p.period, w.period as window_period, w.start_date as window_start
    from mart.periods p
    join mart.periods w
        on w.period_type = p.period_type
        and w.end_date <= p.end_date
        and w.start_date >= cast(p.end_date - interval 12 month as date)
),
fit as (
    select w.period_type, w.period, s.department, s.category, s.priority, s.channel,
        sum(s.held) as held, sum(s.resolved) as resolved, sum(s.sum_log_hours) as sum_log_hours,
        sum(s.sla_n) as sla_n, sum(s.sla_met) as sla_met
    from windows w
    join per_period s on s.period_type = w.period_type and s.period = w.window_period
    group by all
),
levels as (
    select period_type, period, department, category, priority, channel,
        grouping(category) + grouping(priority) + grouping(channel) as up,
        sum(held) as held, sum(resolved) as resolved, sum(sum_log_hours) as sum_log_hours,
        sum(sla_n) as sla_n, sum(sla_met) as sla_met
    from fit
    group by grouping sets (
        (period_type, period, department),
        (period_type, period, department, category),
        (period_type, period, department, category, priority),
        (period_type, period, department, category, priority, channel))
),
department_level as (
    select period_type, period, department, held, resolved, sla_n,
        cast(sum_log_hours / nullif(resolved, 0) as double) as log_hours,
        resolved / nullif(held, 0) as resolution_odds,
        sla_met / nullif(sla_n, 0) as sla_odds
    from levels where up = 3
),
category_level as (
    select l.period_type, l.period, l.department, l.category,
        cast((l.sum_log_hours + 30 * coalesce(d.log_hours, 0)) / (l.resolved + 30) as double) as log_hours,
        (l.resolved + 30 * coalesce(d.resolution_odds, 0)) / (l.held + 30) as resolution_odds,
        (l.sla_met + 30 * coalesce(d.sla_odds, 0)) / (l.sla_n + 30) as sla_odds
    from levels l join department_level d using (period_type, period, department)
    where l.up = 2
),
priority_level as (
    select l.period_type, l.period, l.department, l.category, l.priority,
        cast((l.sum_log_hours + 30 * c.log_hours) / (l.resolved + 30) as double) as log_hours,
        (l.resolved + 30 * c.resolution_odds) / (l.held + 30) as resolution_odds,
        (l.sla_met + 30 * c.sla_odds) / (l.sla_n + 30) as sla_odds
    from levels l join category_level c using (period_type, period, department, category)
    where l.up = 1
)
select l.period_type, l.period, l.department, l.category, l.priority, l.channel,
    (select min(window_start) from windows w where w.period_type = l.period_type and w.period = l.period) as fit_from,
    l.held as tickets_held,
    l.resolved as tickets_resolved,
    l.sla_n as tickets_with_sla,
    cast((l.sum_log_hours + 30 * p.log_hours) / (l.resolved + 30) as double) as expected_log_hours,
    exp(cast((l.sum_log_hours + 30 * p.log_hours) / (l.resolved + 30) as double)) as expected_hours,
    (l.resolved + 30 * p.resolution_odds) / (l.held + 30) as expected_resolution_odds,
    (l.sla_met + 30 * p.sla_odds) / (l.sla_n + 30) as expected_sla_odds
from levels l
join priority_level p using (period_type, period, department, category, priority)
where l.up = 0
