-- materialized: view
-- Each indicator of each agent's published result linked to the input records that made it (management build: ids;
-- input_records has the sets), through the metric's input sets in the catalogue (scheme.indicators.input_sets).
select s.scheme_id, s.version, s.period_type, s.period, s.agent_id, s.indicator_id, i.metric,
    r.input_set, r.input_kind, r.input_id, r.batch_id
from mart.indicator_scores s
join scheme.indicators i using (scheme_id, version, indicator_id)
join mart.input_records r
    on r.period_type = s.period_type and r.period = s.period and r.agent_id = s.agent_id
    and list_contains(i.input_sets, r.input_set)
