-- audience: staff
-- shard_only: no
-- about: each published period: state, revision in force, appeal deadline, appeals by state, acknowledgements
select ps.period, ps.state, ps.revision, strftime(ps.since, '%Y-%m-%d') as since, ps.appeal_deadline::varchar as appeal_deadline,
  (select count(*) from meta.appeals a where a.scheme_id = ps.scheme_id and a.period = ps.period) as appeals,
  (select count(*) from meta.appeals a where a.scheme_id = ps.scheme_id and a.period = ps.period and a.state = 'filed') as appeals_open,
  (select count(*) from meta.appeals a where a.scheme_id = ps.scheme_id and a.period = ps.period and a.state = 'accepted') as appeals_accepted,
  (select count(*) from meta.appeals a where a.scheme_id = ps.scheme_id and a.period = ps.period and a.state = 'rejected') as appeals_rejected,
  (select count(*) from meta.acknowledgements k where k.scheme_id = ps.scheme_id and k.period = ps.period) as acknowledged,
  (select count(*) from meta.published_results r where r.scheme_id = ps.scheme_id and r.period = ps.period and r.revision = ps.revision) as published_agents
from meta.period_states ps where ps.scheme_id = $scheme order by ps.period
