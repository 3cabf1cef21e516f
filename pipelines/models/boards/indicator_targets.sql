-- audience: staff
-- shard_only: no
-- about: per period and indicator, the department's ranked agents against the target: mean and median value, share at target
select s.period_type, s.period, s.dimension_id, s.indicator_id, any_value(i.method) as method, any_value(i.direction) as direction,
  det_avg(s.raw_value) as mean_value, median(s.raw_value) as median_value,
  det_avg(s.floor_used) as mean_floor, det_avg(s.target_used) as mean_target, det_avg(s.score) as mean_score,
  count(s.score) as agents_scored,
  case when any_value(i.method) = 'target' and count(s.score) > 0
    then count(*) filter (where s.score >= 100) / count(s.score) end as share_at_target
from mart.indicator_scores s join mart.rankings r using (scheme_id, period_type, period, agent_id)
join scheme.indicators i on i.scheme_id = s.scheme_id and i.version = s.version and i.indicator_id = s.indicator_id
where s.scheme_id = $scheme and r.ranked
group by all order by s.period, any_value(s.ord)
