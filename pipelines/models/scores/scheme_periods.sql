-- The scheme version in force for each period a scheme scores: the latest version that took effect on or
-- before the period's first day. A version that starts mid-quarter applies from the next quarter. The first version
-- also scores every period before its effective_from (applies_from is NULL), unless the scheme names a start:
-- a department's older exports are scored with the earliest rules there are (explain and methodology say so).
-- The minimum tickets to be ranked scale with the part of the period the data covers (a quarter in progress).
select
    v.scheme_id,
    v.version,
    v.sha256,
    p.period_type,
    p.period,
    p.start_date,
    p.end_date,
    p.months,
    p.is_complete,
    v.departments,
    v.roles,
    v.missing_policy,
    v.bayes_prior_weight,
    cast(ceil(case p.period_type
        when 'month' then v.min_tickets_month
        when 'quarter' then v.min_tickets_quarter
        else v.min_tickets_year
    end * (p.coverage_end - p.coverage_start) / (p.end_date - p.start_date)) as bigint) as min_tickets,
    v.min_weight_present,
    v.bottom_share,
    v.bottom_min_population
from mart.periods p
join scheme.versions v
    on list_contains(v.period_types, p.period_type)
    and (v.applies_from is null or v.applies_from <= p.start_date)
    and (v.scheme_start is null or v.scheme_start <= p.start_date)
    and (v.effective_to is null or v.effective_to > p.start_date)
