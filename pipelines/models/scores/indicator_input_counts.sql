-- Each indicator of each agent's published result with how many input records of each set made it and the batches
-- they came from (staff build: counts, no ids; the batches' files and hashes are in the period's manifest).
-- A table, computed once per run: as a view, every publish (each audience, each `appraisal snapshot`) recounted the
-- per-ticket input records, most of a snapshot's time (the demo's 80 agents on a busy machine: that one table took
-- 6.3 s of a snapshot; the snapshot's CPU time fell from 4.3 s to 2.9-3.3 s once it was a table).
-- Counts per agent, period and input set first, then joined to the indicators that use the set: the same numbers
-- as grouping mart.indicator_inputs, in a tenth of the time (1.2 s against 10.8 s at 1M tickets, 2,000 agents).
-- incremental: by period
with ticket_batches as (
    -- the three ticket sets of input_records (held: every ticket-period row of ticket_periods; resolved: those resolved
    -- in the period; resolved_with_sla: those resolved in it with an SLA) counted in one pass over ticket_periods, not
    -- grouped as three sets of input records (most of the 12M records at 1M tickets): the query 2.7-3.0 -> 2.0-2.4 s,
    -- the run's peak memory 1.2-1.5 -> 1.1 GiB, the same rows (2026-11-27)
    select period_type, period, agent_id, batch_id,
        count(*) as held,
        count(*) filter (where resolved_in_period) as resolved,
        count(*) filter (where sla_met is not null) as resolved_with_sla
    from mart.ticket_periods
    group by period_type, period, agent_id, batch_id
),
event_months as (
    -- the records with a moment (input_events: first responses, complaints, CSAT responses, audits) counted per month,
    -- then each month's count added to its quarter and year (counts add up), where the period exists: the same numbers
    -- as grouping their input records, one row per record and period (10M tickets: the query 12.0-12.2 -> 8.0-9.6 s,
    -- with local_time; 2026-11-27)
    select agent_id, input_set, batch_id, any_value(input_kind) as input_kind, month_no(l) as m, count(*) as inputs
    from mart.input_events
    group by agent_id, input_set, batch_id, m
),
event_batches as (
    select p.period_type, p.period, e.agent_id, e.input_set, e.batch_id, any_value(e.input_kind) as input_kind,
        cast(sum(e.inputs) as bigint) as inputs
    from (
        select *, unnest(['month', 'quarter', 'year']) as period_type, unnest([m, (m // 100) * 10 + (m % 100 + 2) // 3, m // 100]) as n
        from event_months
    ) e
    join (select period_type, period, period_no(period_type, start_date) as n from mart.periods) p using (period_type, n)
    group by all
),
per_batch as (
    -- first per batch (a plain count), then the batches listed per set: one ordered, distinct list aggregate over every
    -- input record cost a third more CPU than the two plain steps
    select period_type, period, agent_id, input_set, batch_id, 'ticket' as input_kind, inputs
    from ticket_batches unpivot (inputs for input_set in (held, resolved, resolved_with_sla))
    where inputs > 0
    union all
    select period_type, period, agent_id, input_set, batch_id, input_kind, inputs
    from event_batches
    union all
    -- the other input records (dated ones, the collaboration survey): few
    select period_type, period, agent_id, input_set, batch_id, any_value(input_kind) as input_kind, count(*) as inputs
    from mart.input_records
    where input_set not in ('held', 'resolved', 'resolved_with_sla', 'responded', 'complaints', 'csat_responses', 'audits', 'serious_audits')
    group by period_type, period, agent_id, input_set, batch_id
),
scored_sets as materialized (
    -- each score with each input set its indicator reads, made first: joined in one query with the counts, DuckDB
    -- joined the counts to the indicators' sets first (2.0M rows at 1M tickets) and built its hash table on those, 1.1
    -- of the query's 2.3 s; from this table it builds on the counts (1M: the query 2.29-2.30 -> 1.17-1.19 s, the
    -- ordered create 2.87-2.97 -> 1.87-1.91 s; 10M: the query 6.2-7.0 -> 4.6-5.0 s; the same rows, 2026-11-27)
    select s.scheme_id, s.version, s.period_type, s.period, s.agent_id, s.indicator_id, i.metric, i.input_set
    from mart.indicator_scores s
    join (select scheme_id, version, indicator_id, metric, unnest(list_distinct(input_sets)) as input_set from scheme.indicators) i
        using (scheme_id, version, indicator_id)
),
counts as (
    select period_type, period, agent_id, input_set, any_value(input_kind) as input_kind,
        cast(sum(inputs) as bigint) as inputs,
        list(batch_id order by batch_id) as batches
    from per_batch
    group by period_type, period, agent_id, input_set
)
-- each indicator's input sets unnested and joined on equal keys: with list_contains(input_sets, input_set) as the join's
-- condition, DuckDB joined every set of an agent and period to every score first (7.5M rows at 2,000 agents) and built
-- its hash table on them (10M tickets: the query 8.0-9.6 s against 4.7-5.7 s; 1M: 3.2-4.3 s against 1.9-2.2 s)
select s.scheme_id, s.version, s.period_type, s.period, s.agent_id, s.indicator_id, s.metric, c.input_set, c.input_kind,
    c.inputs, c.batches
from scored_sets s
join counts c
    on c.period_type = s.period_type and c.period = s.period and c.agent_id = s.agent_id and c.input_set = s.input_set
