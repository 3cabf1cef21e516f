-- audience: staff
-- shard_only: yes
-- about: each agent's indicators per period: inputs (counts and medians only), value used, score, weights, contribution
select s.period_type, s.period, s.agent_id, s.version, s.dimension_id, s.indicator_id, s.ord, i.metric, i.metric_kind,
  s.raw_value, s.sample::bigint as sample, s.numerator, s.denominator, s.p90, s.mean, s.department_value, s.used_value,
  s.floor_used, s.target_used, s.score, s.missing, s.scored_at_floor, s.weight, s.nominal_weight, s.effective_weight, s.contribution,
  u.score_low, u.score_high, c.inputs
from mart.indicator_scores s
join scheme.indicators i on i.scheme_id = s.scheme_id and i.version = s.version and i.indicator_id = s.indicator_id
left join mart.indicator_uncertainty u
  on u.scheme_id = s.scheme_id and u.period_type = s.period_type and u.period = s.period and u.agent_id = s.agent_id and u.indicator_id = s.indicator_id
left join (
  select period_type, period, agent_id, indicator_id, sum(inputs) as inputs
  from mart.indicator_input_counts where scheme_id = $scheme group by all
) c on c.period_type = s.period_type and c.period = s.period and c.agent_id = s.agent_id and c.indicator_id = s.indicator_id
where s.scheme_id = $scheme and s.period in $named_periods order by s.period, s.agent_id, s.ord
