-- materialized: view
-- Each indicator of the scheme in force, for each agent in its scope and period: the raw value and its inputs, the
-- department's value, the value used after the small-sample adjustment (missing below the minimum sample), and the
-- floor and target (per-month targets scale with the months the agent was active while the data covers the period).
-- A view: indicator_scores reads it once, into a CTE that its percentiles and its scores share, and stores every
-- column of it beside the score. Stored as a table of its own as well, its 1.6M rows at 2,000 agents were written
-- twice: the four score models took 2.9-3.1 s, against 2.5-2.6 s without that table (1M tickets, the same rows,
-- 2026-11-27).
with scope as (
    select sp.scheme_id, sp.version, sp.period_type, sp.period, sp.months, sp.bayes_prior_weight, sp.min_tickets,
        ap.agent_id, ap.department, ap.active_share
    from mart.scheme_periods sp
    join mart.agent_periods ap using (period_type, period)
    where (len(sp.departments) = 0 or list_contains(sp.departments, ap.department))
      and (len(sp.roles) = 0 or list_contains(sp.roles, ap.role))
),
eligible as (
    select s.*, coalesce(t.value, 0) as tickets_resolved, coalesce(t.value, 0) >= s.min_tickets as enough_tickets
    from scope s
    left join mart.agent_metrics t
        on t.metric = 'tickets_resolved' and t.period_type = s.period_type and t.period = s.period and t.agent_id = s.agent_id
),
vals as (
    select e.scheme_id, e.version, e.period_type, e.period, e.agent_id, e.department, e.tickets_resolved, e.enough_tickets,
        i.indicator_id, i.metric, i.metric_kind, i.source_table as i_source, i.direction, i.method, i.adjust, i.min_sample, e.bayes_prior_weight,
        case when i.per_month then i.floor * e.months * e.active_share else i.floor end as floor_used,
        case when i.per_month then i.target * e.months * e.active_share else i.target end as target_used,
        m.value as raw_value, m.n as sample, m.numerator, m.denominator, m.p90, m.mean,
        d.value as department_value,
        sc.not_measured
    from eligible e
    join scheme.indicators i using (scheme_id, version)
    left join mart.source_coverage sc
        on sc.period_type = e.period_type and sc.period = e.period and sc.source_table = i.source_table and not sc.measured
    left join mart.agent_metrics m
        on m.period_type = e.period_type and m.period = e.period and m.agent_id = e.agent_id and m.metric = i.metric
    left join mart.department_metrics d
        on d.period_type = e.period_type and d.period = e.period and d.department = e.department and d.metric = i.metric
)
select scheme_id, version, period_type, period, agent_id, department, indicator_id, tickets_resolved, enough_tickets,
    raw_value, sample, numerator, denominator, p90, mean, department_value, floor_used, target_used,
    case
        -- the department has no such source for the period: nobody is measured, the weight is shared (not floored)
        when not_measured is not null then format('not measured: the department has no {} data for the period', case i_source
            when 'reviews_360' then '360 review' when 'collab_survey' then 'cross-department survey' when 'quality_audits' then 'quality audit'
            when 'csat' then 'CSAT' when 'contributions' then 'knowledge-sharing and proposal' when 'certifications' then 'certification'
            when 'trainings' then 'training' else i_source end)
        when raw_value is null then 'no data in the period'
        when coalesce(sample, 0) < min_sample then format('sample {} is below the minimum {}', coalesce(sample, 0), min_sample)
    end as missing_reason,
    case
        when not_measured is not null or raw_value is null or coalesce(sample, 0) < min_sample then null
        else adjusted_value(adjust, metric_kind, direction, raw_value, sample, department_value, bayes_prior_weight)
    end as used_value
from vals
