-- Which sources the department has for each period (METRICS.md, "Missing is not zero"): per canonical table and
-- period, whether a source for it was loaded (meta.batches) and its records cover the period. Where it does not, the
-- metrics from that table are "not measured" for everyone: counts and sums get no value instead of 0, and the
-- indicators' weight is shared among the others (indicator_values, indicator_scores). Where it does, an agent
-- without records has a real 0 on a count.
-- A source covers the months from its first record to the last, and on to its newest load (an export taken on
-- 2026-11-03 with its last training on 2026-10-20 says nobody trained after that). Quarterly surveys (360 reviews,
-- the cross-department survey) cover the quarters they hold, no more: the next quarter's survey may not have run yet.
-- A source that covers part of a period measures it (its records in that part count). Tickets define the periods.
with sources(source_table, by_quarter) as (
    values ('tickets', false), ('csat', false), ('quality_audits', false), ('reviews_360', true), ('collab_survey', true),
        ('trainings', false), ('certifications', false), ('contributions', false)
),
loads as (
    select target_table as source_table, cast(max(finished_at) as date) as last_load
    from meta.batches
    where rows_read >= 0
    group by all
),
records as (
    select 'tickets' as source_table, cast(min(created_at) as date) as first_day, cast(max(coalesce(resolved_at, created_at)) as date) as last_day
    from int.tickets_credited
    union all
    select 'csat', cast(min(submitted_at) as date), cast(max(submitted_at) as date) from int.csat_credited
    union all
    select 'quality_audits', cast(min(audited_at) as date), cast(max(audited_at) as date) from int.quality_audits_corrected
    union all
    select 'trainings', min(completed_on), max(completed_on) from stg.trainings
    union all
    select 'certifications', min(obtained_on), max(obtained_on) from stg.certifications
    union all
    select 'contributions', min(submitted_on), max(submitted_on) from stg.contributions
    union all
    select 'reviews_360', min(quarter_start(period)), max(quarter_start(period)) from stg.reviews_360
    union all
    select 'collab_survey', min(quarter_start(period)), max(quarter_start(period)) from stg.collab_survey
),
spans as (
    select s.source_table,
        l.last_load is not null or r.first_day is not null as loaded,
        case when s.by_quarter then r.first_day else cast(date_trunc('month', r.first_day) as date) end as span_start,
        case
            when s.source_table = 'tickets' then cast('infinity' as date)
            when s.by_quarter then cast(r.last_day + interval 3 month as date)
            else greatest(cast(date_trunc('month', r.last_day) + interval 1 month as date), l.last_load)
        end as span_end
    from sources s
    left join loads l using (source_table)
    left join records r using (source_table)
),
covered as (
    select p.period_type, p.period, s.source_table, s.loaded,
        s.loaded and (s.span_start is null or s.span_start < p.coverage_end) and coalesce(s.span_end, 'infinity'::date) > p.coverage_start
            as measured,
        s.span_start, s.span_end, p.coverage_start, p.coverage_end
    from mart.periods p
    cross join spans s
)
select period_type, period, source_table, measured,
    case when measured then greatest(coverage_start, coalesce(span_start, coverage_start)) end as covered_from,
    case when measured then least(coverage_end, coalesce(span_end, coverage_end)) end as covered_to,
    case
        when measured then null
        when not loaded then 'no_source'
        when span_start >= coverage_end then 'before_source'
        else 'after_source'
    end as not_measured
from covered
