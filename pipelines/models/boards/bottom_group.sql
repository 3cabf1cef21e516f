-- audience: management
-- shard_only: no
-- about: the bottom-group (末位) membership per period: the input of the bottom-20% tracker, for management only
select period_type, period, agent_id, in_bottom_group, bottom_cut, tied_at_cut, bottom_rule_applies
from mart.rankings where scheme_id = $scheme and ranked order by period, agent_id
