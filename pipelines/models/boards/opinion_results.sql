-- audience: staff
-- shard_only: no
-- about: the staff's opinion survey on the scheme: per round, indicator and team (team null: everyone), how many found it fair, unclear or unfair; groups under 5, and any group the total would reveal, withheld
select o.round, o.indicator_id, n.name_en, n.name_zh, o.team, o.team_not_given, o.shown, o.respondents, o.fair, o.unclear, o.unfair,
  o.withheld_reason
from mart.opinion_results o
left join (select indicator_id, arg_max(name_en, effective_from) as name_en, arg_max(name_zh, effective_from) as name_zh
           from scheme.indicators i join scheme.versions v using (scheme_id, version) where i.scheme_id = $scheme group by all) n
  using (indicator_id)
order by o.round, o.indicator_id, o.team nulls first
