-- For every agent with any score, the effective weights of the present indicators add up to 100.
select scheme_id, period_type, period, agent_id, sum(effective_weight) as total
from mart.indicator_scores
group by all
having count(score) > 0 and abs(sum(effective_weight) - 100) > 1e-6
