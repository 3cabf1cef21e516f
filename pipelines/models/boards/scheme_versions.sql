-- audience: staff
-- shard_only: no
-- about: the primary scheme's versions and their rules: ranking minimums, missing data, small-sample prior, bottom group
select scheme_id, scheme_name_en, scheme_name_zh, version, sha256, effective_from::varchar as effective_from,
  effective_to::varchar as effective_to, period_types, missing_policy, bayes_prior_weight,
  min_tickets_month, min_tickets_quarter, min_tickets_year, min_weight_present, bottom_share, bottom_min_population, notes, notes_zh
from scheme.versions where scheme_id = $scheme order by effective_from
