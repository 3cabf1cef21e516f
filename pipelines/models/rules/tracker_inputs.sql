-- What the bottom-20% tracker (末位淘汰) needs per agent and quarter, for every scheme that scores quarters:
-- whether the quarter counts for the agent (or why not: quarter in progress, new hire, recorded exclusion such as
-- long leave, not ranked, department too small for the rule), whether the agent is in the bottom group, and the
-- separate triggers for severe quality problems and low efficiency (resolved tickets against the department's median,
-- resolution time against the team's, since a team's queue decides how hard its tickets are), and the rank interval
-- (rank_intervals) where the scheme asks for one: crosses_cut marks a rank that cannot be told apart from the agents on
-- the other side of the bottom-group cut. It is shown beside the state; it does not change it.
with quarters as (
    select r.scheme_id, r.version, r.period as quarter, r.agent_id, r.display_name, r.team, r.department,
        r.ranked, r.not_ranked_reason, r.composite, r.department_rank, r.department_ranked, r.bottom_cut,
        r.in_bottom_group, r.tied_at_cut, r.bottom_rule_applies, r.tenure_months,
        p.is_complete, p.start_date, p.end_date, p.data_start, p.as_of
    from mart.rankings r
    join mart.periods p on p.period_type = 'quarter' and p.period = r.period
    where r.period_type = 'quarter'
),
metrics as (
    select period as quarter, agent_id,
        max(case when metric = 'complaints' then value end) as complaints,
        max(case when metric = 'serious_errors' then value end) as serious_errors,
        max(case when metric = 'tickets_resolved' then value end) as tickets_resolved,
        max(case when metric = 'resolution_hours_median' then value end) as resolution_hours
    from mart.agent_metrics
    where period_type = 'quarter' and metric in ('complaints', 'serious_errors', 'tickets_resolved', 'resolution_hours_median')
    group by all
),
department as (
    select period as quarter, department,
        max(case when metric = 'tickets_resolved' then value end) as median_resolved
    from mart.department_metrics
    where period_type = 'quarter' and metric = 'tickets_resolved'
    group by all
),
team as (
    -- resolution time is compared within the team: a team's queue decides how hard its tickets are
    select m.period as quarter, a.department, a.team, median(m.value) as median_resolution_hours
    from mart.agent_metrics m
    join mart.agent_periods a using (period_type, period, agent_id)
    where m.period_type = 'quarter' and m.metric = 'resolution_hours_median'
    group by all
),
excluded as (
    select q.scheme_id, q.quarter, q.agent_id, string_agg(x.reason, '; ' order by x.from_date) as reason
    from quarters q
    join meta.tracker_exclusions x on x.agent_id = q.agent_id and x.from_date < q.end_date and x.to_date >= q.start_date
    group by all
)
select q.scheme_id, q.version, q.quarter, q.agent_id, q.display_name, q.team, q.department, q.composite,
    q.department_rank, q.department_ranked, q.bottom_cut, q.tied_at_cut,
    v.consecutive_quarters,
    -- the last day of the quarter, and the working days the committee has to decide on a review flagged in it
    cast(q.end_date - 1 as date) as quarter_last_day,
    v.review_decision_working_days,
    coalesce(q.in_bottom_group, false) as in_bottom_group,
    case
        -- the data's first quarter when the data begins after its first day: partial, not in progress
        when not q.is_complete and q.start_date < q.data_start then format('partial quarter: the data begins on {}', q.data_start)
        when not q.is_complete then 'quarter in progress'
        when q.tenure_months < v.new_hire_months then format('new hire ({} months in post, the rule starts after {})', q.tenure_months, v.new_hire_months)
        when e.reason is not null then 'excluded: ' || e.reason
        when not q.ranked then 'not ranked: ' || q.not_ranked_reason
        when not q.bottom_rule_applies then format('rule not applied: {} ranked agents, fewer than {}', q.department_ranked, v.bottom_min_population)
    end as pause_reason,
    case
        when coalesce(m.complaints, 0) >= v.trigger_complaints then format('severe quality: {} complaints in the quarter (threshold {})', cast(m.complaints as bigint), v.trigger_complaints)
        when coalesce(m.serious_errors, 0) >= v.trigger_serious_errors then format('severe quality: {} serious errors in quality audits (threshold {})', cast(m.serious_errors as bigint), v.trigger_serious_errors)
    end as quality_trigger,
    case
        when q.ranked and m.tickets_resolved < v.trigger_resolved_share * d.median_resolved
            then format('low efficiency: {} resolved tickets, under {}% of the department median {}', cast(m.tickets_resolved as bigint),
                        round(100 * v.trigger_resolved_share), round(d.median_resolved))
        when q.ranked and m.resolution_hours > v.trigger_resolution_multiple * t.median_resolution_hours
            then format('low efficiency: median resolution {} h, over {} times the team median {} h', round(m.resolution_hours, 1),
                        v.trigger_resolution_multiple, round(t.median_resolution_hours, 1))
    end as efficiency_trigger,
    u.rank_low, u.rank_high, u.level as interval_level, u.cut_rank, u.crosses_cut, u.bottom_share_of_replicates
from quarters q
join scheme.versions v on v.scheme_id = q.scheme_id and v.version = q.version
left join metrics m on m.quarter = q.quarter and m.agent_id = q.agent_id
left join department d on d.quarter = q.quarter and d.department = q.department
left join team t on t.quarter = q.quarter and t.department = q.department and t.team = q.team
left join excluded e on e.scheme_id = q.scheme_id and e.quarter = q.quarter and e.agent_id = q.agent_id
left join mart.rank_intervals u on u.scheme_id = q.scheme_id and u.period_type = 'quarter' and u.period = q.quarter and u.agent_id = q.agent_id
