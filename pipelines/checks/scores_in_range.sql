-- Every indicator score, dimension score and composite lies in 0-100.
select 'indicator' as level, scheme_id, period_type, period, agent_id, indicator_id as item, score
from mart.indicator_scores where score < 0 or score > 100 or isnan(score)
union all
select 'dimension', scheme_id, period_type, period, agent_id, dimension_id, score
from mart.dimension_scores where score < -1e-9 or score > 100 + 1e-9 or isnan(score)
union all
select 'composite', scheme_id, period_type, period, agent_id, null, composite
from mart.agent_scores where composite < -1e-9 or composite > 100 + 1e-9 or isnan(composite)
