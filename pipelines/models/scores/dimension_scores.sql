-- Each dimension's sub-score: the weighted mean of its present indicator scores.
-- incremental: by period
select scheme_id, version, period_type, period, agent_id, dimension_id, any_value(dimension_weight) as dimension_weight,
    det_sum(case when score is not null then score * weight end) / det_sum(case when score is not null then weight end) as score,
    det_sum(effective_weight) as effective_weight,
    count(*) filter (where score is null) as missing_indicators
from mart.indicator_scores
group by all
