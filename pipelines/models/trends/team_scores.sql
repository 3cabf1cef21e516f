-- Team and department results per scheme and period (team is NULL for the department as a whole): agents scored
-- and ranked, mean and median composite of the ranked agents, the spread, the bottom group's size, and the change
-- of the mean since the previous period of the same type.
with grouped as (
    select scheme_id, period_type, period, department, team,
        count(*) as agents,
        count(*) filter (where ranked) as ranked_agents,
        det_avg(case when ranked then composite end) as mean_composite,
        median(composite) filter (where ranked) as median_composite,
        min(composite) filter (where ranked) as min_composite,
        max(composite) filter (where ranked) as max_composite,
        list_aggregate(list_sort(list(case when ranked then composite end)), 'stddev_samp') as sd_composite,
        count(*) filter (where in_bottom_group) as bottom_group
    from mart.rankings
    group by grouping sets ((scheme_id, period_type, period, department, team), (scheme_id, period_type, period, department))
)
select *,
    team is null as is_department,
    mean_composite - lag(mean_composite) over (partition by scheme_id, period_type, department, team order by period) as mean_change
from grouped
