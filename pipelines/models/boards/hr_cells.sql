-- audience: staff
-- shard_only: yes
-- about: quarterly sums and counts per team, tenure band, grade and indicator (composite included) over ranked agents, for slicing
with q as (
  select r.period, r.agent_id, r.team, r.grade, r.composite,
    -- tenure band: months in post at the end of the period
    case when tenure_months < 12 then '0-1y' when tenure_months < 36 then '1-3y'
      when tenure_months < 60 then '3-5y' else '5y+' end as tenure_band
  from mart.rankings r
  where r.scheme_id = $scheme and r.period_type = 'quarter' and r.ranked
)
select period, team, tenure_band, grade, 'composite' as indicator_id,
  count(*) as agents, det_sum(composite) as sum_score, count(composite) as n_score,
  null::double as sum_value, 0::bigint as n_value
from q group by all
union all
select q.period, q.team, q.tenure_band, q.grade, s.indicator_id,
  count(*), det_sum(s.score), count(s.score), det_sum(s.raw_value), count(s.raw_value)
from q join mart.indicator_scores s
  on s.scheme_id = $scheme and s.period_type = 'quarter' and s.period = q.period and s.agent_id = q.agent_id
group by all
order by 1, 2, 3, 4, 5
