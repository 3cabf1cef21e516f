-- materialized: view
-- Rank uncertainty, step 1: seeded replicates of every ranked agent's composite and rank, for the schemes and period
-- types that ask for it (uncertainty: in the scheme file). A parametric bootstrap: each replicate draws the agent's
-- composite from a normal distribution around the published composite (kept within 0-100), with the standard error of
-- the composite (the indicators' contribution_se from indicator_uncertainty, added in quadrature: the indicators are
-- taken as independent), then ranks the department's agents as rankings does (standard competition ranking; the
-- bottom group is everyone at or below the score at position ceil(share * n) from the bottom, ties included). Draws
-- come from hash(seed, period, agent) and the replicate number (draw_z): the same seed gives the same replicates, bit
-- for bit. A view: rank_intervals reads it once, and the management build can read one agent's replicates from it.
-- (Ranking runs on integer keys, so that sorting millions of replicate rows stays cheap.)
with scope as (
    select r.scheme_id, r.version, r.period_type, r.period, r.department, r.agent_id, r.composite, r.bottom_rule_applies,
        v.uncertainty_replicates as replicates, v.bottom_share,
        hash(concat_ws('|', v.uncertainty_seed, r.period, r.agent_id)) as draw_key,
        dense_rank() over (order by r.scheme_id, r.period_type, r.period, r.department) as population
    from mart.rankings r
    join scheme.versions v on v.scheme_id = r.scheme_id and v.version = r.version
    where r.ranked and list_contains(v.uncertainty_period_types, r.period_type)
),
spread as (
    select scheme_id, period_type, period, agent_id, sqrt(det_sum(contribution_se * contribution_se)) as composite_se
    from mart.indicator_uncertainty
    group by all
),
agents as (
    select s.*, coalesce(x.composite_se, 0) as composite_se,
        row_number() over (order by s.scheme_id, s.period_type, s.period, s.agent_id) as agent_key
    from scope s
    left join spread x using (scheme_id, period_type, period, agent_id)
),
replicates as (
    select agent_key, population, replicate, bottom_share, bottom_rule_applies,
        round(greatest(0, least(100, composite + composite_se * draw_z(draw_key, replicate * 64))), 9) as composite
    from (select *, unnest(range(1, replicates + 1)) as replicate from agents)
),
ranked as (
    select *,
        rank() over w as department_rank,
        -- the share of agents at or above: the agents strictly below are n minus those
        cume_dist() over w as at_or_above_share,
        count(*) over (partition by population, replicate) as department_ranked
    from replicates
    window w as (partition by population, replicate order by composite desc)
)
select a.scheme_id, a.version, a.period_type, a.period, a.department, a.agent_id, r.replicate, r.composite, r.department_rank,
    r.department_ranked,
    r.bottom_rule_applies
        and r.department_ranked - round(r.at_or_above_share * r.department_ranked) < ceil(r.bottom_share * r.department_ranked)
        as in_bottom_group
from ranked r
join agents a using (agent_key)
