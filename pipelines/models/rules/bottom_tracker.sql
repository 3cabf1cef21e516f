-- The bottom-20% tracker (末位淘汰), quarter by quarter for each agent: normal -> watch (in the bottom group) ->
-- warning (in the bottom group for the scheme's number of consecutive quarters, or a severe-quality or low-efficiency
-- trigger; the next counted quarter is the one-quarter warning period with training and coaching) -> review (still
-- in the bottom group, or triggered, after the warning period: flagged for the committee) or recovered.
-- A review waits for the committee: it stays "review" (awaiting decision) quarter after quarter until the committee's
-- decision is recorded (meta.committee_decisions) or the agent leaves the bottom group (recovered). After a decision
-- the count starts again, except "extend_coaching", which makes the next counted quarter another warning period.
-- review_since names the quarter the review began; its last day plus the scheme's review working days is when the
-- decision is due (the boards and `appraisal tracker` mark it overdue after that, with the department's calendar).
-- A quarter that does not count (partial, in progress, new hire, exclusion, not ranked, department too small) pauses
-- the count: it neither adds to nor resets it. A counted quarter outside the bottom group resets it.
-- uncertainty_note marks a rank whose interval crosses the cut (rank_intervals): "not distinguishable from the agents
-- above". The system flags and records; it never decides.
with recursive inputs as (
    select i.*,
        row_number() over (partition by i.scheme_id, i.agent_id order by i.quarter) as i,
        coalesce(i.quality_trigger, i.efficiency_trigger) as trigger_reason,
        c.decision
    from mart.tracker_inputs i
    left join meta.committee_decisions c on c.scheme_id = i.scheme_id and c.period = i.quarter and c.agent_id = i.agent_id
),
walk as (
    select scheme_id, agent_id, i, quarter,
        -- state shown for the quarter, phase carried to the next one, consecutive count shown and carried, where the
        -- streak began, and the review awaiting a decision (the quarter it began in and that quarter's last day)
        case when pause_reason is not null then 'paused'
             when trigger_reason is not null then 'warning'
             when in_bottom_group and consecutive_quarters <= 1 then 'warning'
             when in_bottom_group then 'watch' else 'normal' end as state,
        case when pause_reason is not null then 'normal'
             when trigger_reason is not null or (in_bottom_group and consecutive_quarters <= 1) then 'warning'
             when in_bottom_group then 'watch' else 'normal' end as phase,
        case when pause_reason is null and in_bottom_group then 1 else 0 end as streak,
        case when pause_reason is null and in_bottom_group then 1 else 0 end as carry,
        case when pause_reason is null and in_bottom_group then quarter end as streak_start,
        null::varchar as review_since,
        null::date as review_day,
        case when pause_reason is not null then pause_reason
             when trigger_reason is not null then trigger_reason
             when in_bottom_group and consecutive_quarters <= 1 then 'in the bottom group'
             when in_bottom_group then format('in the bottom group (1 of {} consecutive quarters)', consecutive_quarters)
        end as reason
    from inputs
    where i = 1
    union all
    select scheme_id, agent_id, i, quarter, state,
        -- the phase after this quarter: a review ends with a recorded decision
        case when paused then prev_phase
             when state = 'review' then case when decision = 'extend_coaching' then 'warning' when decision is not null then 'normal' else 'review' end
             when state = 'recovered' then 'normal'
             else state end,
        streak,
        case when paused then prev_carry
             when state = 'review' and decision is not null and decision <> 'extend_coaching' then 0
             else streak end,
        streak_start, review_since, review_day, reason
    from (
        select n.scheme_id, n.agent_id, n.i, n.quarter, n.decision, n.pause_reason is not null as paused,
            w.phase as prev_phase, w.carry as prev_carry,
            case when n.pause_reason is not null then 'paused'
                 when w.phase in ('warning', 'review') then case when n.in_bottom_group or n.trigger_reason is not null then 'review' else 'recovered' end
                 when n.trigger_reason is not null then 'warning'
                 when n.in_bottom_group and w.carry + 1 >= n.consecutive_quarters then 'warning'
                 when n.in_bottom_group then 'watch'
                 else 'normal' end as state,
            case when n.pause_reason is not null then w.carry
                 when n.in_bottom_group then w.carry + 1
                 else 0 end as streak,
            case when n.pause_reason is not null then w.streak_start
                 when n.in_bottom_group then coalesce(case when w.carry > 0 then w.streak_start end, n.quarter)
                 else null end as streak_start,
            case when n.pause_reason is not null then w.review_since
                 when w.phase = 'review' and (n.in_bottom_group or n.trigger_reason is not null) then w.review_since
                 when w.phase = 'warning' and (n.in_bottom_group or n.trigger_reason is not null) then n.quarter
            end as review_since,
            case when n.pause_reason is not null then w.review_day
                 when w.phase = 'review' and (n.in_bottom_group or n.trigger_reason is not null) then w.review_day
                 when w.phase = 'warning' and (n.in_bottom_group or n.trigger_reason is not null) then n.quarter_last_day
            end as review_day,
            case when n.pause_reason is not null then n.pause_reason
                 when w.phase = 'review' and (n.in_bottom_group or n.trigger_reason is not null)
                     then format('review awaiting the committee''s decision since {}', w.review_since) || coalesce('; ' || n.trigger_reason, '')
                 when w.phase = 'review' then 'out of the bottom group while awaiting the committee''s decision: the review ends'
                 when w.phase = 'warning' and n.in_bottom_group then 'still in the bottom group after the warning period'
                 when w.phase = 'warning' and n.trigger_reason is not null then 'after the warning period: ' || n.trigger_reason
                 when w.phase = 'warning' then 'out of the bottom group after the warning period'
                 when n.in_bottom_group and w.carry + 1 >= n.consecutive_quarters
                     then format('in the bottom group {} quarters in a row ({} to {})', w.carry + 1,
                                 coalesce(case when w.carry > 0 then w.streak_start end, n.quarter), n.quarter)
                         || coalesce('; ' || n.trigger_reason, '')
                 when n.trigger_reason is not null then n.trigger_reason
                 when n.in_bottom_group then format('in the bottom group ({} of {} consecutive quarters)', w.carry + 1, n.consecutive_quarters)
            end as reason
        from walk w
        join inputs n on n.scheme_id = w.scheme_id and n.agent_id = w.agent_id and n.i = w.i + 1
    )
)
select t.scheme_id, t.version, t.quarter, t.agent_id, t.display_name, t.team, t.department, t.composite, t.department_rank,
    t.department_ranked, t.bottom_cut, t.in_bottom_group, t.tied_at_cut, w.state, w.streak as consecutive, w.reason,
    t.quality_trigger, t.efficiency_trigger,
    -- a review: the quarter it began, the day it began counting from (that quarter's last day), the committee's working days
    case when w.state = 'review' then w.review_since end as review_since,
    case when w.state = 'review' then w.review_day end as review_flagged_on,
    case when w.state = 'review' then t.review_decision_working_days end as review_decision_working_days,
    w.state = 'review' and t.decision is null as awaiting_decision,
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
