-- audience: staff
-- shard_only: no
-- about: what the department's own history expects per kind of ticket (category, priority, channel): hours, resolution and SLA odds
select period_type, period, category, priority, channel, tickets_resolved::bigint as tickets_resolved, expected_hours,
  expected_resolution_odds, expected_sla_odds
from mart.workload_expectations where period_type = 'quarter' order by period, category, priority, channel
