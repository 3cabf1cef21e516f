-- 360 ratings per agent, period, rater group and dimension: number of raters and their mean.
-- A quarter uses its own reviews, a month the reviews of its quarter, a year all its quarters.
-- Peer, subordinate, customer and other-department groups count only with at least 3 raters (METRICS.md);
-- an individual rater's score is never kept here.
with quarterly as (
    select agent_id, period as quarter, left(period, 4) as year, rater_id, relation, dimension, score
    from stg.reviews_360
),
by_quarter as (
    select 'quarter' as period_type, quarter as period, agent_id, relation, dimension,
        count(distinct rater_id) as raters, det_avg(score) as mean_score
    from quarterly group by all
),
by_year as (
    select 'year' as period_type, year as period, agent_id, relation, dimension,
        count(distinct rater_id) as raters, det_avg(score) as mean_score
    from quarterly group by all
),
by_month as (
    select 'month' as period_type, p.period, q.agent_id, q.relation, q.dimension, q.raters, q.mean_score
    from by_quarter q
    join mart.periods p on p.period_type = 'month' and p.quarter = q.period
),
all_groups as (
    select * from by_quarter union all select * from by_year union all select * from by_month
)
select *,
    relation in ('self', 'supervisor') or raters >= 3 as shown,
    relation = 'supervisor' or (relation in ('peer', 'subordinate', 'customer', 'other_department') and raters >= 3) as scored
from all_groups
