-- Rankings per scheme and period, in the department and in the team: standard competition ranking by composite
-- ("1, 2, 2, 4"; ties share a rank; composites compared to 9 decimals), the percentile (share of ranked peers with
-- a lower or equal score), and the bottom group: with n ranked agents (n at least the scheme's minimum), the cut is
-- the score at position ceil(share * n) from the bottom and everyone at or below it is in the group, ties included.
-- Agents below the minimum sample are listed, not ranked, with the reason.
-- The weight an agent needs with data counts only what the department measures in the period (source_coverage): a
-- source nobody has (no 360 reviews yet this quarter) does not make everyone unrankable.
-- incremental: by period
with measured as (
    select i.scheme_id, i.version, c.period_type, c.period, sum(i.nominal_weight) as measured_weight
    from scheme.indicators i
    join mart.source_coverage c on c.source_table = i.source_table and c.measured
    group by all
),
base as (
    select s.*, sp.min_tickets, sp.min_weight_present, sp.bottom_share, sp.bottom_min_population, sp.is_complete,
        ap.display_name, ap.tenure_months, ap.role,
        round(s.composite, 9) as rank_key,
        s.enough_tickets and coalesce(s.weight_present, 0) >= sp.min_weight_present * coalesce(w.needed_share, 1) and s.composite is not null as ranked,
        case
            when not s.enough_tickets then format('{} resolved tickets; ranking needs at least {} in a {}',
                cast(s.tickets_resolved as bigint), sp.min_tickets, s.period_type)
            when coalesce(s.weight_present, 0) < sp.min_weight_present * coalesce(w.needed_share, 1) and coalesce(w.needed_share, 1) < 1
                then format('only {}% of the scheme''s weight has data; ranking needs {}% of the {}% the department measures',
                    round(coalesce(s.weight_present, 0), 1), sp.min_weight_present, round(100 * coalesce(w.needed_share, 1), 1))
            when coalesce(s.weight_present, 0) < sp.min_weight_present then format('only {}% of the scheme''s weight has data; ranking needs {}%',
                round(coalesce(s.weight_present, 0), 1), sp.min_weight_present)
        end as not_ranked_reason
    from mart.agent_scores s
    join mart.scheme_periods sp using (scheme_id, version, period_type, period)
    join mart.agent_periods ap using (period_type, period, agent_id)
    left join (select scheme_id, version, period_type, period, cast(measured_weight as double) / 100 as needed_share from measured) w
        using (scheme_id, version, period_type, period)
),
ranks as (
    -- the ranks on a narrow row (keys and the composite): each window sorts and copies the rows it is given, and the
    -- whole row of a score is some forty columns
    select scheme_id, period_type, period, department, agent_id, rank_key, bottom_share, bottom_min_population,
        rank() over dept_desc as department_rank,
        count(*) over dept as department_ranked,
        cume_dist() over dept_asc as percentile,
        row_number() over dept_asc as position_from_bottom,
        rank() over (partition by scheme_id, period_type, period, department, team order by rank_key desc) as team_rank,
        count(*) over (partition by scheme_id, period_type, period, department, team) as team_ranked
    from base
    where ranked
    window dept as (partition by scheme_id, period_type, period, department),
        dept_desc as (partition by scheme_id, period_type, period, department order by rank_key desc),
        dept_asc as (partition by scheme_id, period_type, period, department order by rank_key asc)
),
cut as (
    select scheme_id, period_type, period, department,
        any_value(rank_key) filter (where position_from_bottom = cast(ceil(bottom_share * department_ranked) as bigint)) as bottom_cut,
        any_value(department_ranked) >= any_value(bottom_min_population) as bottom_rule_applies
    from ranks
    group by all
),
ties as (
    -- how many ranked agents share each composite: more than one at the cut is a tie at the cut
    select scheme_id, period_type, period, department, rank_key, count(*) as agents
    from ranks
    group by all
),
with_cut as (
    select b.*,
        r.department_rank, r.department_ranked, r.percentile, r.team_rank, r.team_ranked,
        c.bottom_cut,
        c.bottom_rule_applies,
        c.bottom_rule_applies and b.rank_key <= c.bottom_cut as in_bottom_group,
        c.bottom_rule_applies and b.rank_key = c.bottom_cut and coalesce(t.agents, 0) > 1 as tied_at_cut
    from base b
    join ranks r using (scheme_id, period_type, period, agent_id)
    join cut c on c.scheme_id = b.scheme_id and c.period_type = b.period_type and c.period = b.period and c.department = b.department
    left join ties t on t.scheme_id = b.scheme_id and t.period_type = b.period_type and t.period = b.period
        and t.department = b.department and t.rank_key = c.bottom_cut
)
select * exclude (rank_key) from with_cut
union all by name
select * exclude (rank_key),
    null::bigint as department_rank, null::bigint as department_ranked, null::double as percentile,
    null::bigint as team_rank, null::bigint as team_ranked, null::double as bottom_cut, null::boolean as bottom_rule_applies,
    null::boolean as in_bottom_group, null::boolean as tied_at_cut
from base
where not ranked
