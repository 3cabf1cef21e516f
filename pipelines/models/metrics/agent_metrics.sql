-- Every metric of the catalogue (pipelines/scheme/metrics.ts) per agent and period, one row per metric:
-- value, sample size n, and the raw inputs behind it (numerator and denominator of rates; p90 and mean beside
-- medians), and se, the value's sampling standard error where it comes from tickets or responses (macros.sql:
-- share_se, count_se, median_se; NULL for records that are not samples: trainings, certifications, contributions,
-- 360 reviews), which the rank uncertainty models use. Each event counts in the period of the event the metric measures (METRICS.md, "Time and periods").
-- Missing is not zero: rates and times exist only where there were events; counts and sums are 0 for an
-- active agent without events. The workload-mix ratios (observed / expected for the agent's ticket mix) come from
-- agent_workload.
-- incremental: by period
-- The period keys are numbers (macros.sql month_no, quarter_no, year_no; the text made once per group by period_of)
-- taken from the local time, converted once per record (local_time, macros.sql: the session's zone): each key of a
-- TIMESTAMPTZ converts again (10M tickets: 7.4 s against 4.7 s).
with resolved as (
    select agent_id, month_no(l) as m, quarter_no(l) as q, year_no(l) as y,
        resolution_hours, resolution_ms, reopened, sla_met
    from (select resolver_id as agent_id, local_time(resolved_at) as l, resolution_hours, resolution_ms, reopened, sla_met
          from int.tickets_credited
          where resolved_at is not null and resolver_id is not null)
),
resolved_agg as (
    select agent_id,
        case when grouping(m) = 0 then 'month' when grouping(q) = 0 then 'quarter' else 'year' end as period_type,
        period_of(m, q, y) as period,
        count(*) as resolved,
        -- one sort for the quartiles, the median (res_q[2]) and p90 (res_q[4]): the same values median() gives
        quantile_cont(resolution_hours, [0.25, 0.5, 0.75, 0.9]) as res_q,
        avg(resolution_ms) / 3600000.0 as res_mean,
        count_if(reopened) as reopened,
        count(sla_met) as sla_n,
        count_if(sla_met) as sla_ok
    from resolved
    group by grouping sets ((agent_id, m), (agent_id, q), (agent_id, y))
),
responded as (
    select agent_id, month_no(l) as m, quarter_no(l) as q, year_no(l) as y, first_response_minutes, first_response_ms
    from (select responder_id as agent_id, local_time(first_response_at) as l, first_response_minutes, first_response_ms
          from int.tickets_credited
          where first_response_at is not null and responder_id is not null)
),
responded_agg as (
    select agent_id,
        case when grouping(m) = 0 then 'month' when grouping(q) = 0 then 'quarter' else 'year' end as period_type,
        period_of(m, q, y) as period,
        count(*) as responses,
        quantile_cont(first_response_minutes, [0.25, 0.5, 0.75, 0.9]) as frt_q,
        avg(first_response_ms) / 60000.0 as frt_mean
    from responded
    group by grouping sets ((agent_id, m), (agent_id, q), (agent_id, y))
),
business_resolved_agg as (
    -- the business-hours variants (ticket_business_times: working time on the team's schedule), where a scheme reads them
    select resolver_id as agent_id,
        case when grouping(m) = 0 then 'month' when grouping(q) = 0 then 'quarter' else 'year' end as period_type,
        period_of(m, q, y) as period,
        count(resolution_business_hours) as resolved,
        quantile_cont(resolution_business_hours, [0.25, 0.5, 0.75, 0.9]) as res_q,
        det_avg(resolution_business_hours) as res_mean,
        count(sla_met_business) as sla_n,
        count_if(sla_met_business) as sla_ok
    from (select resolver_id, resolution_business_hours, sla_met_business, month_no(l) as m, quarter_no(l) as q, year_no(l) as y
          from (select *, local_time(resolved_at) as l from mart.ticket_business_times)
          where resolved_at is not null and resolver_id is not null)
    group by grouping sets ((resolver_id, m), (resolver_id, q), (resolver_id, y))
),
business_responded_agg as (
    select responder_id as agent_id,
        case when grouping(m) = 0 then 'month' when grouping(q) = 0 then 'quarter' else 'year' end as period_type,
        period_of(m, q, y) as period,
        count(first_response_business_minutes) as responses,
        quantile_cont(first_response_business_minutes, [0.25, 0.5, 0.75, 0.9]) as frt_q,
        det_avg(first_response_business_minutes) as frt_mean
    from (select responder_id, first_response_business_minutes, month_no(l) as m, quarter_no(l) as q, year_no(l) as y
          from (select *, local_time(first_response_at) as l from mart.ticket_business_times)
          where first_response_at is not null and responder_id is not null)
    group by grouping sets ((responder_id, m), (responder_id, q), (responder_id, y))
),
complaints as (
    select complaint_agent_id as agent_id, coalesce(resolved_at, created_at) as ts
    from int.tickets_credited
    where complaint and complaint_agent_id is not null
),
complaints_agg as (
    select agent_id,
        case when grouping(m) = 0 then 'month' when grouping(q) = 0 then 'quarter' else 'year' end as period_type,
        period_of(m, q, y) as period,
        count(*) as complaints
    from (select agent_id, month_no(l) as m, quarter_no(l) as q, year_no(l) as y from (select agent_id, local_time(ts) as l from complaints))
    group by grouping sets ((agent_id, m), (agent_id, q), (agent_id, y))
),
csat_agg as (
    select agent_id,
        case when grouping(m) = 0 then 'month' when grouping(q) = 0 then 'quarter' else 'year' end as period_type,
        period_of(m, q, y) as period,
        count(*) as responses,
        count_if(satisfied) as satisfied
    from (select agent_id, satisfied, month_no(l) as m, quarter_no(l) as q, year_no(l) as y
          from (select *, local_time(submitted_at) as l from int.csat_credited) where agent_id is not null)
    group by grouping sets ((agent_id, m), (agent_id, q), (agent_id, y))
),
audits_agg as (
    select agent_id,
        case when grouping(m) = 0 then 'month' when grouping(q) = 0 then 'quarter' else 'year' end as period_type,
        period_of(m, q, y) as period,
        count(*) as audits,
        det_avg(score) as mean_score,
        sd_from_sums(det_sum(score), det_sum(score * score), count(*)) as sd_score,
        count_if(serious) as serious
    from (select agent_id, score, serious, month_no(l) as m, quarter_no(l) as q, year_no(l) as y
          from (select *, local_time(audited_at) as l from int.quality_audits_corrected) where agent_id is not null)
    group by grouping sets ((agent_id, m), (agent_id, q), (agent_id, y))
),
growth_events as (
    select agent_id, completed_on as day, 'training_hours' as metric, hours as amount, null::double as quality from stg.trainings
    union all
    select agent_id, obtained_on, 'certifications', 1, null from stg.certifications
    union all
    select agent_id, submitted_on, case kind when 'proposal' then 'proposals' else 'knowledge_shares' end, 1, quality
    from stg.contributions
),
growth_agg as (
    select agent_id, metric,
        case when grouping(m) = 0 then 'month' when grouping(q) = 0 then 'quarter' else 'year' end as period_type,
        period_of(m, q, y) as period,
        det_sum(amount) as amount,
        count(quality) as rated,
        det_avg(quality) as mean_quality
    from (select *, month_no(day) as m, quarter_no(day) as q, year_no(day) as y from growth_events)
    group by grouping sets ((agent_id, metric, m), (agent_id, metric, q), (agent_id, metric, y))
),
collab as (
    select s.agent_id, s.satisfied, s.period as quarter, left(s.period, 4) as year from stg.collab_survey s
),
collab_agg as (
    select 'quarter' as period_type, quarter as period, agent_id, count(*) as responses, count_if(satisfied) as satisfied
    from collab group by all
    union all
    select 'year', year, agent_id, count(*), count_if(satisfied) from collab group by all
    union all
    select 'month', p.period, c.agent_id, count(*), count_if(c.satisfied)
    from collab c join mart.periods p on p.period_type = 'month' and p.quarter = c.quarter
    group by all
),
r360_dimension as (
    select period_type, period, agent_id, 'r360.' || dimension as metric,
        det_avg(mean_score) as value, cast(sum(raters) as bigint) as raters
    from mart.agent_360_groups
    where scored
    group by all
),
r360_customer as (
    select period_type, period, agent_id, 'r360.customer' as metric,
        det_sum(mean_score * raters) / sum(raters) as value, max(raters) as raters
    from mart.agent_360_groups
    where relation = 'customer' and scored
    group by all
),
counted as (
    -- counts and sums: every active agent has a value, 0 without events, where the department has the source for the
    -- period (source_coverage); where it has not, nobody has a value: "not measured", not 0
    select ap.period_type, ap.period, ap.agent_id, c.metric,
        coalesce(case c.metric
            when 'tickets_resolved' then r.resolved
            when 'tickets_held' then h.tickets_held
            when 'complaints' then k.complaints
            when 'serious_errors' then a.serious
            else g.amount end, 0) as value
    from mart.agent_periods ap
    cross join (values ('tickets_resolved', 'tickets'), ('tickets_held', 'tickets'), ('complaints', 'tickets'),
        ('serious_errors', 'quality_audits'), ('training_hours', 'trainings'), ('certifications', 'certifications'),
        ('knowledge_shares', 'contributions'), ('proposals', 'contributions')) c(metric, source_table)
    semi join mart.source_coverage sc
        on sc.period_type = ap.period_type and sc.period = ap.period and sc.source_table = c.source_table and sc.measured
    left join resolved_agg r on r.period_type = ap.period_type and r.period = ap.period and r.agent_id = ap.agent_id
    left join mart.agent_tickets_held h on h.period_type = ap.period_type and h.period = ap.period and h.agent_id = ap.agent_id
    left join complaints_agg k on k.period_type = ap.period_type and k.period = ap.period and k.agent_id = ap.agent_id
    left join audits_agg a on a.period_type = ap.period_type and a.period = ap.period and a.agent_id = ap.agent_id
    left join growth_agg g on g.period_type = ap.period_type and g.period = ap.period and g.agent_id = ap.agent_id
        and g.metric = c.metric
)
-- One row per agent, period and metric, in the columns below. Each family's rows name their columns (union by name):
-- value, n (the sample), numerator and denominator of a rate, p90 and mean beside a median, se; a column a family does
-- not name is NULL. The first branch fixes the columns and their order.
select period_type, period, agent_id, metric, cast(value as double) as value, cast(value as bigint) as n,
    null::double as numerator, null::double as denominator, null::double as p90, null::double as mean,
    case when metric in ('tickets_resolved', 'tickets_held', 'complaints', 'serious_errors') then count_se(value) end as se
from counted

-- tickets resolved (by the resolver): rate of the tickets held, median hours, reopen, SLA, complaints
union all by name
select r.period_type, r.period, r.agent_id, 'resolution_rate' as metric,
    r.resolved / h.tickets_held as value, h.tickets_held as n, r.resolved as numerator, h.tickets_held as denominator,
    share_se(r.resolved, h.tickets_held) as se
from resolved_agg r
join mart.agent_tickets_held h using (period_type, period, agent_id)
where h.tickets_held > 0
union all by name
select period_type, period, agent_id, 'resolution_hours_median' as metric,
    res_q[2] as value, resolved as n, res_q[4] as p90, res_mean as mean, median_se(res_q[1], res_q[3], resolved) as se
from resolved_agg
union all by name
select period_type, period, agent_id, 'reopen_rate' as metric,
    reopened / resolved as value, resolved as n, reopened as numerator, resolved as denominator, share_se(reopened, resolved) as se
from resolved_agg
union all by name
select period_type, period, agent_id, 'sla_attainment' as metric,
    sla_ok / sla_n as value, sla_n as n, sla_ok as numerator, sla_n as denominator, share_se(sla_ok, sla_n) as se
from resolved_agg where sla_n > 0
union all by name
select r.period_type, r.period, r.agent_id, 'complaint_rate' as metric,
    100.0 * coalesce(k.complaints, 0) / r.resolved as value, r.resolved as n, coalesce(k.complaints, 0) as numerator,
    r.resolved as denominator, 100.0 * count_se(coalesce(k.complaints, 0)) / r.resolved as se
from resolved_agg r
left join complaints_agg k using (period_type, period, agent_id)

-- first responses (by the first responder)
union all by name
select period_type, period, agent_id, 'first_response_minutes_median' as metric,
    frt_q[2] as value, responses as n, frt_q[4] as p90, frt_mean as mean, median_se(frt_q[1], frt_q[3], responses) as se
from responded_agg

-- customer satisfaction, quality audits, proposals, the cross-department survey
union all by name
select period_type, period, agent_id, 'csat' as metric,
    satisfied / responses as value, responses as n, satisfied as numerator, responses as denominator,
    share_se(satisfied, responses) as se
from csat_agg
union all by name
select period_type, period, agent_id, 'quality_score' as metric, mean_score as value, audits as n, sd_score / sqrt(audits) as se
from audits_agg
union all by name
select period_type, period, agent_id, 'proposal_quality' as metric, mean_quality as value, rated as n
from growth_agg where metric = 'proposals' and rated > 0
union all by name
select period_type, period, agent_id, 'collab_satisfaction' as metric,
    satisfied / responses as value, responses as n, satisfied as numerator, responses as denominator,
    share_se(satisfied, responses) as se
from collab_agg

-- 360 reviews: each dimension's mean, and the customers' rating
union all by name
select period_type, period, agent_id, metric, value, raters as n from r360_dimension
union all by name
select period_type, period, agent_id, metric, value, raters as n from r360_customer

-- the business-hours variants
union all by name
select period_type, period, agent_id, 'resolution_business_hours_median' as metric,
    res_q[2] as value, resolved as n, res_q[4] as p90, res_mean as mean, median_se(res_q[1], res_q[3], resolved) as se
from business_resolved_agg where resolved > 0
union all by name
select period_type, period, agent_id, 'sla_attainment_business' as metric,
    sla_ok / sla_n as value, sla_n as n, sla_ok as numerator, sla_n as denominator, share_se(sla_ok, sla_n) as se
from business_resolved_agg where sla_n > 0
union all by name
select period_type, period, agent_id, 'first_response_business_minutes_median' as metric,
    frt_q[2] as value, responses as n, frt_q[4] as p90, frt_mean as mean, median_se(frt_q[1], frt_q[3], responses) as se
from business_responded_agg where responses > 0

-- the workload-mix adjusted metrics (agent_workload): numerator observed, denominator expected
union all by name
select period_type, period, agent_id, 'resolution_time_vs_expected' as metric,
    exp(sum_log_ratio / resolved) as value, resolved as n,
    exp(mean_log_hours) as numerator, exp(mean_log_hours - sum_log_ratio / resolved) as denominator,
    exp(sum_log_ratio / resolved) * sd_from_sums(sum_log_ratio, sum_sq_log_ratio, resolved) / sqrt(resolved) as se
from mart.agent_workload where resolved > 0
union all by name
select period_type, period, agent_id, 'resolution_vs_expected' as metric,
    resolved / expected_resolved as value, held as n, resolved as numerator, expected_resolved as denominator,
    share_se(resolved, held) * held / expected_resolved as se
from mart.agent_workload where expected_resolved > 0
union all by name
select period_type, period, agent_id, 'sla_vs_expected' as metric,
    sla_met / expected_sla_met as value, sla_n as n, sla_met as numerator, expected_sla_met as denominator,
    share_se(sla_met, sla_n) * sla_n / expected_sla_met as se
from mart.agent_workload where expected_sla_met > 0
