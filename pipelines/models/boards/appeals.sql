-- audience: management
-- shard_only: yes
-- about: every appeal with its reason, evidence, decision and the kind of correction; management only
select a.appeal_id, a.period, a.agent_id, g.display_name, a.indicator_id, a.reason, a.evidence, a.state,
  strftime(a.filed_at, '%Y-%m-%d') as filed_at, strftime(a.decided_at, '%Y-%m-%d') as decided_at, a.decision_reason,
  (select string_agg(c.kind, ', ') from meta.corrections c where c.appeal_id = a.appeal_id) as correction
from meta.appeals a left join stg.agents g using (agent_id)
where a.scheme_id = $scheme order by a.appeal_id
