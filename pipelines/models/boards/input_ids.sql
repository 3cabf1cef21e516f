-- audience: management
-- shard_only: yes
-- about: the ids of the records behind each agent's indicators, for the published periods (where appeals need them); management only
select i.period_type, i.period, i.agent_id, i.input_set, any_value(i.input_kind) as input_kind,
  string_agg(distinct i.input_id, ' ' order by i.input_id) as ids, count(distinct i.input_id) as inputs
from mart.indicator_inputs i
join meta.period_states ps on ps.scheme_id = i.scheme_id and ps.period = i.period
where i.scheme_id = $scheme and i.period in $published_periods group by all order by i.period, i.agent_id, i.input_set
