-- audience: staff
-- shard_only: no
-- about: dimensions and weights per version
select version, dimension_id, name_en, name_zh, weight, ord from scheme.dimensions where scheme_id = $scheme order by version, ord
