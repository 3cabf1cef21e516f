-- audience: staff
-- shard_only: no
-- about: ranked agents per grade, per team and for the department (team null)
select period_type, period, department, team, grade, grade_order, agents::bigint as agents
from mart.grade_distribution where scheme_id = $scheme order by period, team nulls first, grade_order
