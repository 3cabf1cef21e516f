-- audience: staff
-- shard_only: no
-- about: appeals (申诉) per period, indicator and state: counts only; who appealed and why is for management
select period, indicator_id, state, count(*) as appeals
from meta.appeals where scheme_id = $scheme group by all order by period, indicator_id, state
