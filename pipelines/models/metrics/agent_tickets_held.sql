-- Tickets each agent held open at any time in each period (created before the period ends and not resolved before it
-- starts): the sum of the agent's cells over the kinds of ticket. agent_cells counts a quarter's or a year's tickets
-- once however many of its months they were open in. An active agent who held none has no row here, and 0 in
-- agent_metrics.
-- incremental: by period
select period_type, period, agent_id, cast(sum(held) as bigint) as tickets_held
from mart.agent_cells
group by period_type, period, agent_id
