-- audience: staff
-- shard_only: no
-- about: per published period: how many figures of how many agents the latest run would change (kept out until a new publication); counts and kinds only
select period, any_value(state) as state, any_value(revision) as revision, count(distinct agent_id) as agents, count(*) as figures,
  string_agg(distinct case when figure in ('composite', 'grade', 'rank', 'ranked', 'bottom group', 'tracker state') then figure
    when starts_with(figure, 'indicator ') then 'indicators' when starts_with(figure, 'dimension ') then 'dimensions'
    when starts_with(figure, '360 ') then '360' when starts_with(figure, 'team ') then 'teams' else 'other' end, ',') as kinds
from meta.pending_changes where scheme_id = $scheme group by period order by period
