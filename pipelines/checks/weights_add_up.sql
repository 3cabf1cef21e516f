-- Dimension weights add up to 100 in every scheme version, and indicator weights within each dimension.
select scheme_id, version, 'dimensions' as level, null as dimension_id, sum(weight) as total
from scheme.dimensions group by all having abs(sum(weight) - 100) > 1e-9
union all
select scheme_id, version, 'indicators', dimension_id, sum(weight)
from scheme.indicators group by all having abs(sum(weight) - 100) > 1e-9
