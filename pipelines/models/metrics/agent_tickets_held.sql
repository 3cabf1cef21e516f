-- Tickets each agent held open at any time in each period: created before the period ends and not resolved
-- before it starts. Computed from monthly counts of created and resolved tickets and their running sums, so it
-- costs one pass over the tickets whatever the number of periods.
with flow as (
    select holder_id as agent_id,
        cast(date_trunc('month', created_at) as date) as created_month,
        cast(date_trunc('month', resolved_at) as date) as resolved_month
    from int.tickets_credited
    where holder_id is not null
),
created as (select agent_id, created_month as month, count(*) as n from flow group by all),
resolved as (select agent_id, resolved_month as month, count(*) as n from flow where resolved_month is not null group by all),
grid as (
    select a.agent_id, p.start_date as month
    from (select distinct agent_id from flow) a
    cross join mart.periods p
    where p.period_type = 'month'
),
running as (
    select g.agent_id, g.month,
        sum(coalesce(c.n, 0)) over w as created_to_date,
        sum(coalesce(r.n, 0)) over w as resolved_to_date
    from grid g
    left join created c using (agent_id, month)
    left join resolved r using (agent_id, month)
    window w as (partition by g.agent_id order by g.month)
)
select p.period_type, p.period, e.agent_id,
    e.created_to_date - coalesce(s.resolved_to_date, 0) as tickets_held
from mart.periods p
-- the period's last month, or the last month with data for a quarter or year still in progress
join running e on e.month = least(cast(p.end_date - interval 1 month as date), (select max(month) from grid))
left join running s on s.agent_id = e.agent_id and s.month = cast(p.start_date - interval 1 month as date)
