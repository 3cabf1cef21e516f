-- The bottom-20% tracker (末位淘汰), quarter by quarter for each agent: normal -> watch (in the bottom group) ->
-- warning (in the bottom group for the scheme's number of consecutive quarters, or a severe-quality or low-efficiency
-- trigger; the next counted quarter is the one-quarter warning period with training and coaching) -> review (still
-- in the bottom group, or triggered, after the warning period: flagged for the committee, whose decision is recorded
-- in meta.committee_decisions) or recovered. A quarter that does not count (in progress, new hire, exclusion, not
-- ranked, department too small) pauses the count: it neither adds to nor resets it. A counted quarter outside the
-- bottom group resets it. uncertainty_note marks a rank whose interval crosses the cut (rank_intervals): "not
-- distinguishable from the agents above". The system flags and records; it never decides.
with recursive inputs as (
    select *,
        row_number() over (partition by scheme_id, agent_id order by quarter) as i,
        coalesce(quality_trigger, efficiency_trigger) as trigger_reason
    from mart.tracker_inputs
),
walk as (
    select scheme_id, agent_id, i, quarter,
        -- state shown for the quarter, phase carried to the next one, consecutive count and where the streak began
        case when pause_reason is not null then 'paused'
             when trigger_reason is not null then 'warning'
             when in_bottom_group and consecutive_quarters <= 1 then 'warning'
             when in_bottom_group then 'watch' else 'normal' end as state,
        case when pause_reason is not null then 'normal'
             when trigger_reason is not null or (in_bottom_group and consecutive_quarters <= 1) then 'warning'
             when in_bottom_group then 'watch' else 'normal' end as phase,
        case when pause_reason is null and in_bottom_group then 1 else 0 end as streak,
        case when pause_reason is null and in_bottom_group then quarter end as streak_start,
        case when pause_reason is not null then pause_reason
             when trigger_reason is not null then trigger_reason
             when in_bottom_group and consecutive_quarters <= 1 then 'in the bottom group'
             when in_bottom_group then format('in the bottom group (1 of {} consecutive quarters)', consecutive_quarters)
        end as reason
    from inputs
    where i = 1
    union all
    select n.scheme_id, n.agent_id, n.i, n.quarter,
        case when n.pause_reason is not null then 'paused'
             when w.phase = 'warning' then case when n.in_bottom_group or n.trigger_reason is not null then 'review' else 'recovered' end
             when n.trigger_reason is not null then 'warning'
             when n.in_bottom_group and w.streak + 1 >= n.consecutive_quarters then 'warning'
             when n.in_bottom_group then 'watch'
             else 'normal' end,
        case when n.pause_reason is not null then w.phase
             when w.phase = 'warning' then case when n.in_bottom_group or n.trigger_reason is not null then 'review' else 'normal' end
             when n.trigger_reason is not null then 'warning'
             when n.in_bottom_group and w.streak + 1 >= n.consecutive_quarters then 'warning'
             when n.in_bottom_group then 'watch'
             else 'normal' end,
        case when n.pause_reason is not null then w.streak
             when w.phase = 'warning' and not (n.in_bottom_group or n.trigger_reason is not null) then 0
             when n.in_bottom_group then w.streak + 1
             else 0 end,
        case when n.pause_reason is not null then w.streak_start
             when n.in_bottom_group then coalesce(case when w.streak > 0 then w.streak_start end, n.quarter)
             else null end,
        case when n.pause_reason is not null then n.pause_reason
             when w.phase = 'warning' and n.in_bottom_group then 'still in the bottom group after the warning period'
             when w.phase = 'warning' and n.trigger_reason is not null then 'after the warning period: ' || n.trigger_reason
             when w.phase = 'warning' then 'out of the bottom group after the warning period'
             when n.in_bottom_group and w.streak + 1 >= n.consecutive_quarters
                 then format('in the bottom group {} quarters in a row ({} to {})', w.streak + 1,
                             coalesce(case when w.streak > 0 then w.streak_start end, n.quarter), n.quarter)
                     || coalesce('; ' || n.trigger_reason, '')
             when n.trigger_reason is not null then n.trigger_reason
             when n.in_bottom_group then format('in the bottom group ({} of {} consecutive quarters)', w.streak + 1, n.consecutive_quarters)
        end
    from walk w
    join inputs n on n.scheme_id = w.scheme_id and n.agent_id = w.agent_id and n.i = w.i + 1
)
select t.scheme_id, t.version, t.quarter, t.agent_id, t.display_name, t.team, t.department, t.composite, t.department_rank,
    t.department_ranked, t.bottom_cut, t.in_bottom_group, t.tied_at_cut, w.state, w.streak as consecutive, w.reason,
    t.quality_trigger, t.efficiency_trigger,
    t.rank_low, t.rank_high, t.interval_level, t.cut_rank, t.crosses_cut, t.bottom_share_of_replicates,
    case
        when t.crosses_cut and t.in_bottom_group then format('not distinguishable from the agents above the cut: rank {} to {} at {}%',
            t.rank_low, t.rank_high, cast(round(100 * t.interval_level) as integer))
        when t.crosses_cut then format('could be in the bottom group: rank {} to {} at {}%, the group starts at rank {}',
            t.rank_low, t.rank_high, cast(round(100 * t.interval_level) as integer), t.cut_rank)
    end as uncertainty_note,
    c.decision as committee_decision, c.members as committee_members, c.note as committee_note, c.decided_at as committee_decided_at
from walk w
join inputs t using (scheme_id, agent_id, i)
left join meta.committee_decisions c on c.scheme_id = t.scheme_id and c.period = t.quarter and c.agent_id = t.agent_id
