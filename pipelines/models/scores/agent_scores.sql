-- The composite per agent, scheme and period: the sum of contributions (effective weights add up to 100 over the
-- present indicators), the share of the scheme's weight that had a value, and the grade. Rounded only for display.
-- incremental: by period
with composite as (
    select scheme_id, version, period_type, period, agent_id,
        any_value(department) as department,
        any_value(tickets_resolved) as tickets_resolved,
        any_value(enough_tickets) as enough_tickets,
        det_sum(contribution) as composite,
        det_sum(case when score is not null and not scored_at_floor then nominal_weight end) as weight_present,
        count(*) filter (where score is null) as missing_indicators,
        count(*) filter (where scored_at_floor) as floored_indicators,
        count(*) filter (where score is not null) as scored_indicators
    from mart.indicator_scores
    group by all
)
select c.*, ap.team, ap.active_share, sp.sha256,
    case when c.scored_indicators = 0 then null else g.grade end as grade,
    case when c.scored_indicators = 0 then null else g.name_en end as grade_name_en,
    case when c.scored_indicators = 0 then null else g.name_zh end as grade_name_zh
from composite c
join mart.scheme_periods sp using (scheme_id, version, period_type, period)
join mart.agent_periods ap using (period_type, period, agent_id)
left join scheme.grades g
    on g.scheme_id = c.scheme_id and g.version = c.version
    and c.composite >= g.min_score and (g.max_score is null or c.composite < g.max_score)
