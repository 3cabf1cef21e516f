-- materialized: view
-- Each indicator of each agent's published result with how many input records of each set made it and the batches
-- they came from (staff build: counts, no ids; the batches' files and hashes are in the period's manifest).
select scheme_id, version, period_type, period, agent_id, indicator_id, metric, input_set, input_kind,
    count(*) as inputs,
    list(distinct batch_id order by batch_id) as batches
from mart.indicator_inputs
group by all
