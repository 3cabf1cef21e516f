-- audience: staff
-- shard_only: no
-- about: every agent scored in some period: id, name, latest team and department (the agent picker)
select agent_id, arg_max(display_name, period_end) as display_name, arg_max(team, period_end) as team,
  arg_max(department, period_end) as department, count(*) as periods_scored
from (select r.*, p.end_date as period_end from mart.rankings r join mart.periods p using (period_type, period)
      where r.scheme_id = $scheme)
group by agent_id order by agent_id
