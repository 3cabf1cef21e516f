-- audience: staff
-- shard_only: no
-- about: grade bands per version
select version, grade, min_score, max_score, name_en, name_zh, ord from scheme.grades where scheme_id = $scheme order by version, ord
