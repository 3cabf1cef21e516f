-- audience: staff
-- shard_only: no
-- about: periods scored by the primary scheme, the version in force, completeness and publication state
select p.period_type, p.period, p.start_date::varchar as start_date, (p.end_date - 1)::varchar as end_date,
  p.is_complete, sp.version, sp.min_tickets,
  -- publication (公示): open (not yet published) | provisional (published for objection) | final
  coalesce(ps.state, 'open') as publication_state, ps.appeal_deadline::varchar as appeal_deadline, ps.revision as published_revision,
  (select count(*) from mart.rankings r where r.scheme_id = sp.scheme_id and r.period = p.period and r.ranked) as ranked_agents,
  (select count(*) from mart.rankings r where r.scheme_id = sp.scheme_id and r.period = p.period) as agents
from mart.periods p join mart.scheme_periods sp using (period_type, period)
left join $period_states ps on ps.scheme_id = sp.scheme_id and ps.period = p.period
where sp.scheme_id = $scheme
order by case p.period_type when 'month' then 0 when 'quarter' then 1 else 2 end, p.start_date
