-- 360 ratings per agent, period, rater group and dimension: number of raters and their mean.
-- A quarter uses its own reviews, a month the reviews of its quarter, a year all its quarters.
-- Peer, subordinate, customer and other-department groups count only with at least 3 raters (METRICS.md);
-- an individual rater's score is never kept here.
-- Suppression holds across aggregates (issue 10 item 4): a year's group, shown beside its quarters' groups, would give
-- away what its hidden quarters hold by subtraction (the year's sum minus the shown quarters' sums). So a year's group
-- is shown only when the ratings of its hidden quarters are none or come from at least 3 raters themselves
-- (complementary suppression); otherwise it is hidden too, and not scored.
with quarterly as (
    select agent_id, period as quarter, left(period, 4) as year, rater_id, relation, dimension, score
    from stg.reviews_360
),
by_quarter as (
    select 'quarter' as period_type, quarter as period, agent_id, relation, dimension,
        count(distinct rater_id) as raters, det_avg(score) as mean_score
    from quarterly group by all
),
quarter_shown as (
    select *, relation in ('self', 'supervisor') or raters >= 3 as shown from by_quarter
),
by_year as (
    select 'year' as period_type, q.year as period, q.agent_id, q.relation, q.dimension,
        count(distinct q.rater_id) as raters, det_avg(q.score) as mean_score,
        -- the ratings of the year's hidden quarter groups: what the year minus its shown quarters would reveal
        sum(case when s.shown then 0 else 1 end) as hidden_ratings,
        count(distinct case when not s.shown then q.rater_id end) as hidden_raters
    from quarterly q
    join quarter_shown s on s.period = q.quarter and s.agent_id = q.agent_id and s.relation = q.relation and s.dimension = q.dimension
    group by all
),
year_shown as (
    select period_type, period, agent_id, relation, dimension, raters, mean_score,
        relation in ('self', 'supervisor') or (raters >= 3 and (hidden_ratings = 0 or hidden_raters >= 3)) as shown
    from by_year
),
by_month as (
    select 'month' as period_type, p.period, q.agent_id, q.relation, q.dimension, q.raters, q.mean_score, q.shown
    from quarter_shown q
    join mart.periods p on p.period_type = 'month' and p.quarter = q.period
),
all_groups as (
    select * from quarter_shown union all select * from year_shown union all select * from by_month
)
select *,
    relation = 'supervisor' or (relation in ('peer', 'subordinate', 'customer', 'other_department') and shown) as scored
from all_groups
