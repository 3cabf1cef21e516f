-- audience: staff
-- shard_only: no
-- about: what each publication (公示) froze, per revision: composite, grade and rank, so that before and after an appeal can be compared
select r.period, r.revision, r.state, strftime(r.published_at, '%Y-%m-%d') as published_at, r.agent_id, a.display_name, a.team,
  r.composite, r.grade, r.ranked, r.department_rank, r.department_ranked
from meta.published_results r
left join stg.agents a using (agent_id)
where r.scheme_id = $scheme order by r.period, r.revision, r.agent_id
