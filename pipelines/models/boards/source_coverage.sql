-- audience: staff
-- shard_only: no
-- about: per period and source table: whether the department has the source (measured), the part it covers, and why not (no_source, before_source, after_source)
select period_type, period, source_table, measured, covered_from::varchar as covered_from, covered_to::varchar as covered_to, not_measured
from mart.source_coverage order by period_type, period, source_table
