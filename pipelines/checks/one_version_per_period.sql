-- Each scheme scores a period with exactly one version.
select scheme_id, period_type, period, count(distinct version) as versions
from mart.scheme_periods group by all having count(distinct version) <> 1
