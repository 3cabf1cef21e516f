-- audience: management
-- shard_only: yes
-- about: the ids of the records behind each agent's indicators, for the published periods (where appeals need them); management only
-- periods: published
-- The published periods' frozen rows alone (`periods: published`): through the overlay of every period, DuckDB computed
-- indicator_inputs (every ticket's periods joined to the scores) for the published periods only to replace them with
-- the frozen rows (2,000 agents, one published quarter: 2.8 s -> 0.6 s). Each record once per agent and input set
-- first, then the ids in order: indicator_inputs holds a record once for every indicator that reads its set.
select period_type, period, agent_id, input_set, any_value(input_kind) as input_kind,
  string_agg(input_id, ' ' order by input_id) as ids, count(*) as inputs
from (
  select i.period_type, i.period, i.agent_id, i.input_set, i.input_id, any_value(i.input_kind) as input_kind
  from mart.indicator_inputs i
  join meta.period_states ps on ps.scheme_id = i.scheme_id and ps.period = i.period
  where i.scheme_id = $scheme and i.period in $published_periods
  group by all
)
group by all order by period, agent_id, input_set
