-- audience: staff
-- shard_only: no
-- about: every agent scored in some period: id, name, latest team and department (the agent picker)
select agent_id, arg_max(display_name, period_end) as display_name, arg_max(team, period_end) as team,
  arg_max(department, period_end) as department, count(*) as periods_scored
-- the latest period: the one ending last, and of those the shortest (a year and its last quarter end on the same
-- day: the quarter's team is the latest; without this the pick between them was arbitrary, run to run)
from (select r.*, {e: p.end_date, k: case r.period_type when 'month' then 2 when 'quarter' then 1 else 0 end} as period_end
      from mart.rankings r join mart.periods p using (period_type, period)
      where r.scheme_id = $scheme)
group by agent_id order by agent_id
