-- Each indicator's mean score and mean value per team (and for the department, team NULL), over ranked agents:
-- the leadership board's indicator-by-team heatmap and the HR trends by indicator.
-- incremental: by period
select s.scheme_id, s.period_type, s.period, s.department, ap.team, s.dimension_id, s.indicator_id, i.metric,
    det_avg(s.score) as mean_score,
    det_avg(s.raw_value) as mean_value,
    count(s.score) as agents_scored
from mart.indicator_scores s
join mart.rankings r using (scheme_id, period_type, period, agent_id)
join mart.agent_periods ap using (period_type, period, agent_id)
join scheme.indicators i on i.scheme_id = s.scheme_id and i.version = s.version and i.indicator_id = s.indicator_id
where r.ranked
group by grouping sets ((s.scheme_id, s.period_type, s.period, s.department, ap.team, s.dimension_id, s.indicator_id, i.metric),
                        (s.scheme_id, s.period_type, s.period, s.department, s.dimension_id, s.indicator_id, i.metric))
