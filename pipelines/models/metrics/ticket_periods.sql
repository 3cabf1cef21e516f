-- materialized: view
-- Every ticket in every period in which its holder held it open (created before the period ends and not resolved
-- before it starts: METRICS.md, resolution_rate), with what happened to it in that period (created, resolved) and the kind of ticket it
-- is (category, priority, channel; '(none)' where the export has no value). The holder is the resolver, else the
-- assignee (the credit rules of int.tickets_credited), and roster_department the holder's department in the roster; the
-- department of the period (roster history: agent_periods, else the roster's) is joined by the readers that need it,
-- after they aggregate where they do (joined here, per ticket and period, it was 2.0 of agent_cells' 6.5 s in its
-- profile at 1M tickets; measured whole, agent_cells' CPU time is the same within noise and its peak memory 1.4 -> 1.1 GiB).
-- A view: the workload models and the input links read it, nothing stores it.
select
    p.period_type,
    p.period,
    t.ticket_id,
    t.holder_id as agent_id,
    t.roster_department,
    coalesce(t.category, '(none)') as category,
    coalesce(t.priority, '(none)') as priority,
    coalesce(t.channel, '(none)') as channel,
    t.created_at >= p.start_ts as created_in_period,
    coalesce(t.resolved_at >= p.start_ts and t.resolved_at < p.end_ts, false) as resolved_in_period,
    case when t.resolved_at >= p.start_ts and t.resolved_at < p.end_ts then t.resolution_hours end as resolution_hours,
    case when t.resolved_at >= p.start_ts and t.resolved_at < p.end_ts then t.sla_met end as sla_met,
    case when t.resolved_at >= p.start_ts and t.resolved_at < p.end_ts then t.reopened end as reopened,
    t.batch_id
-- the holder's roster row is joined to the tickets before the periods, in a subquery: joined after, DuckDB (which
-- estimates the range join's output at a few hundred rows) built its hash table on every ticket-period row instead of
-- on the 2,000 agents (10M tickets: 2.6 GiB and twice the time)
from (select t.*, a.department as roster_department from int.tickets_credited t join stg.agents a on a.agent_id = t.holder_id) t
join mart.periods p
    on t.created_at < p.end_ts
    and coalesce(t.resolved_at, 'infinity'::timestamptz) >= p.start_ts
