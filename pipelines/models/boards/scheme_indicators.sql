-- audience: staff
-- shard_only: no
-- about: indicators per version: metric, weight, method, floor, target, adjustment, minimum sample
select version, dimension_id, dimension_weight, indicator_id, name_en, name_zh, metric, metric_kind, direction,
  weight, nominal_weight, method, floor, target, per_month, adjust, min_sample, missing_policy, ord
from scheme.indicators where scheme_id = $scheme order by version, ord
