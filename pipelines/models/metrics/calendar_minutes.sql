-- The working calendar (calendar.days, from config business_hours and the chinese-days package) as cumulative working
-- minutes per schedule and day: W(t) = minutes_before(day of t) + the day's working minutes up to t, so that the
-- working time between two moments is W(t2) - W(t1), whatever lies between (nights, weekends, a Spring Festival with
-- its make-up Saturday, closures).
select schedule, timezone, day, kind, name, spans,
    cast(worked_until(spans, 1440) as bigint) as minutes,
    cast(coalesce(sum(worked_until(spans, 1440)) over (partition by schedule order by day rows between unbounded preceding and 1 preceding), 0) as bigint)
        as minutes_before
from calendar.days
