-- Rater calibration (management build only: it shows how one supervisor rates their team): per team, quarter and
-- year, the mean 360 rating each rater group gave the team's agents, and the supervisor's gap: for each agent with
-- both, the supervisor's mean rating minus the mean of the other raters (peers, subordinates, customers, other
-- departments; not self) over the same dimensions. The team effect compares the team with the rest of the department
-- (Welch, 95%); lenient / strict: the supervisor gap's interval lies above / below the rest's. Ratings stay
-- aggregated over a team; no single rating and no rater id leaves the warehouse.
-- Only ratings of groups that are shown count (mart.agent_360_groups): a team's mean over every rating, minus the
-- shown groups of its agents, would give away a hidden group (issue 10 item 4).
with ratings as (
    select r.period as quarter, left(r.period, 4) as year, r.agent_id, a.team, a.department, r.rater_id, r.relation, r.dimension, r.score
    from stg.reviews_360 r
    join stg.agents a using (agent_id)
),
rated_any as (
    -- each rating in its quarter and in its year, where the agent's group for it is shown in that period
    select x.* exclude (dimension) from (
        select 'quarter' as period_type, quarter as period, * exclude (quarter, year) from ratings
        union all
        select 'year', year, * exclude (quarter, year) from ratings
    ) x
    join mart.agent_360_groups g
        on g.period_type = x.period_type and g.period = x.period and g.agent_id = x.agent_id and g.relation = x.relation and g.dimension = x.dimension
    where g.shown
),
rated as (
    -- the team the agent was in for the period (roster history), else the roster's
    select r.period_type, r.period, r.agent_id, coalesce(ap.team, r.team) as team, coalesce(ap.department, r.department) as department,
        r.rater_id, r.relation, r.score
    from rated_any r
    left join mart.agent_periods ap using (period_type, period, agent_id)
),
per_agent as (
    -- each agent's mean rating per rater group, and the supervisor's gap to the others, per quarter and per year
    select period_type, period, agent_id, team, department,
        det_avg(case when relation = 'supervisor' then score end) as supervisor,
        det_avg(case when relation in ('peer', 'subordinate', 'customer', 'other_department') then score end) as others
    from rated
    group by all
),
groups as (
    -- the rater groups' means over the team's ratings (for the side-by-side view)
    select period_type, period, department, team, relation as measure,
        count(distinct agent_id) as agents, count(distinct rater_id) as raters, det_avg(score) as mean_rating
    from rated
    group by all
),
gaps as (
    select period_type, period, department, team, 'supervisor_gap' as measure,
        count(*) as agents, det_sum(supervisor - others) as sum_gap, det_sum(pow(supervisor - others, 2)) as sum_sq
    from per_agent
    where supervisor is not null and others is not null
    group by all
),
compared as (
    select g.*,
        d.agents - g.agents as rest_agents,
        g.sum_gap / g.agents as mean_gap,
        sd_from_sums(g.sum_gap, g.sum_sq, g.agents) as sd_gap,
        (d.sum_gap - g.sum_gap) / nullif(d.agents - g.agents, 0) as rest_mean,
        sd_from_sums(d.sum_gap - g.sum_gap, d.sum_sq - g.sum_sq, d.agents - g.agents) as rest_sd
    from gaps g
    join (select period_type, period, department, sum(agents) as agents, det_sum(sum_gap) as sum_gap, det_sum(sum_sq) as sum_sq
          from gaps group by all) d using (period_type, period, department)
),
effects as (
    select *, mean_gap - rest_mean as effect,
        sqrt(pow(sd_gap, 2) / agents + pow(rest_sd, 2) / nullif(rest_agents, 0)) as effect_se,
        welch_df(pow(sd_gap, 2), agents, pow(rest_sd, 2), rest_agents) as effect_df
    from compared
)
select period_type, period, department, team, measure, agents, raters, mean_rating,
    null::double as rest_mean, null::double as effect, null::double as effect_low, null::double as effect_high,
    null::varchar as calibration
from groups
union all
select period_type, period, department, team, measure, agents, null, mean_gap, rest_mean, effect,
    case when agents >= 2 and rest_agents >= 2 and effect_df > 0 then effect - t975(effect_df) * effect_se end,
    case when agents >= 2 and rest_agents >= 2 and effect_df > 0 then effect + t975(effect_df) * effect_se end,
    case
        when agents < 2 or rest_agents < 2 or not effect_df > 0 then 'too few agents to tell'
        when effect - t975(effect_df) * effect_se > 0 then 'lenient'
        when effect + t975(effect_df) * effect_se < 0 then 'strict'
        else 'in line'
    end
from effects
