-- audience: staff
-- shard_only: no
-- about: the last scoring runs: when and whether they succeeded
select run_id, kind, strftime(started_at, '%Y-%m-%d %H:%M:%S %z') as started_at,
  strftime(finished_at, '%Y-%m-%d %H:%M:%S %z') as finished_at, outcome
from meta.runs order by run_id desc limit 10
