-- How many ranked agents got each grade, per team and for the department (team NULL); grades nobody got count 0.
-- incremental: by period
with teams as (
    select distinct scheme_id, version, period_type, period, department, team from mart.rankings where ranked
),
counts as (
    select scheme_id, period_type, period, department, team, grade, count(*) as agents
    from mart.rankings where ranked group by all
),
team_cells as (
    select t.scheme_id, t.period_type, t.period, t.department, t.team, g.grade, g.ord as grade_order,
        coalesce(c.agents, 0) as agents
    from teams t
    join scheme.grades g using (scheme_id, version)
    left join counts c
        on c.scheme_id = t.scheme_id and c.period_type = t.period_type and c.period = t.period
        and c.department = t.department and c.team = t.team and c.grade = g.grade
)
select * from team_cells
union all
select scheme_id, period_type, period, department, null as team, grade, grade_order, sum(agents) as agents
from team_cells
group by all
