-- materialized: view
-- Every input record behind the metrics, per agent, period and input set (pipelines/scheme/metrics.ts, INPUT_SETS),
-- with the batch (meta.batches: file and its sha256) the record in force came from: the proof behind a published
-- number. Ids are internal (ticket, response, audit and record ids): the management build may show them; the staff
-- build shows indicator_input_counts. 360 ratings are not here: rater ids never leave the warehouse.
with tickets as (
    select period_type, period, agent_id, ticket_id, batch_id, resolved_in_period, sla_met from mart.ticket_periods
),
dated as (
    -- records dated by a day, placed in every period that contains the day
    select agent_id, completed_on as day, 'trainings' as input_set, 'training' as input_kind, record_id as input_id, batch_id
    from stg.trainings
    union all
    select agent_id, obtained_on, 'certifications', 'certification', record_id, batch_id from stg.certifications
    union all
    select agent_id, submitted_on, case kind when 'proposal' then 'proposals' else 'knowledge_shares' end, 'contribution', record_id, batch_id
    from stg.contributions
    union all
    select agent_id, submitted_on, 'rated_proposals', 'contribution', record_id, batch_id
    from stg.contributions where kind = 'proposal' and quality is not null
)
select period_type, period, agent_id, 'held' as input_set, 'ticket' as input_kind, ticket_id as input_id, batch_id from tickets
union all
select period_type, period, agent_id, 'resolved', 'ticket', ticket_id, batch_id from tickets where resolved_in_period
union all
select period_type, period, agent_id, 'resolved_with_sla', 'ticket', ticket_id, batch_id from tickets where sla_met is not null
union all
-- records with a moment (input_events), placed in the month, quarter and year that contain it: their keys from the local
-- time (as agent_metrics groups them), kept where the period exists; a range join with the periods sorted every record
-- (indicator_input_counts at 10M tickets, measured alone: the same time, peak memory 3.9 -> 3.2 GiB)
select period_type, period, agent_id, input_set, input_kind, input_id, batch_id
from (
    select agent_id, input_set, input_kind, input_id, batch_id,
        unnest(['month', 'quarter', 'year']) as period_type,
        unnest([month_key(l), quarter_key(l), year_key(l)]) as period
    from mart.input_events
)
semi join mart.periods using (period_type, period)
union all
select p.period_type, p.period, d.agent_id, d.input_set, d.input_kind, d.input_id, d.batch_id
from dated d
join mart.periods p on d.day >= p.start_date and d.day < p.end_date
union all
-- the collaboration survey is quarterly: its quarter, the quarter's months and its year
select p.period_type, p.period, s.agent_id, 'collab_responses', 'survey_response', s.response_id, s.batch_id
from stg.collab_survey s
join mart.periods p
    on (p.period_type = 'quarter' and p.period = s.period)
    or (p.period_type = 'month' and p.quarter = s.period)
    or (p.period_type = 'year' and p.period = left(s.period, 4))
