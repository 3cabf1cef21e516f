-- Rank uncertainty, step 2: each ranked agent's interval for the rank and the composite from the bootstrap replicates
-- (rank_replicates), at the scheme's level (0.95: the middle 95% of the replicates), and whether the interval crosses
-- the bottom-group cut. The bottom group holds the ranks from cut_rank down (n - ceil(share * n) + 1; ties at the
-- cut included, as in rankings). crosses_cut: the interval holds ranks on both sides of it, so the agent is not
-- distinguishable from the agents on the other side: for an agent in the bottom group, from the agents above the cut.
-- incremental: by period
with summary as (
    select scheme_id, period_type, period, agent_id,
        count(*) as replicates,
        list(department_rank order by department_rank) as ranks,
        list(composite order by composite) as composites,
        avg(department_rank) as mean_rank,
        count(*) filter (where in_bottom_group) / count(*) as bottom_share_of_replicates
    from mart.rank_replicates
    group by all
)
select r.scheme_id, r.version, r.period_type, r.period, r.department, r.team, r.agent_id, r.display_name,
    r.composite, r.department_rank, r.department_ranked,
    s.replicates, v.uncertainty_seed as seed, v.uncertainty_level as level,
    s.ranks[quantile_position(s.replicates, (1 - v.uncertainty_level) / 2)] as rank_low,
    s.ranks[quantile_position(s.replicates, (1 + v.uncertainty_level) / 2)] as rank_high,
    s.composites[quantile_position(s.replicates, (1 - v.uncertainty_level) / 2)] as composite_low,
    s.composites[quantile_position(s.replicates, (1 + v.uncertainty_level) / 2)] as composite_high,
    s.mean_rank,
    r.bottom_rule_applies, r.in_bottom_group, r.bottom_cut,
    case when r.bottom_rule_applies then r.department_ranked - cast(ceil(v.bottom_share * r.department_ranked) as bigint) + 1 end as cut_rank,
    s.bottom_share_of_replicates,
    r.bottom_rule_applies
        and s.ranks[quantile_position(s.replicates, (1 - v.uncertainty_level) / 2)]
            < r.department_ranked - cast(ceil(v.bottom_share * r.department_ranked) as bigint) + 1
        and s.ranks[quantile_position(s.replicates, (1 + v.uncertainty_level) / 2)]
            >= r.department_ranked - cast(ceil(v.bottom_share * r.department_ranked) as bigint) + 1 as crosses_cut
from mart.rankings r
join summary s using (scheme_id, period_type, period, agent_id)
join scheme.versions v on v.scheme_id = r.scheme_id and v.version = r.version
