-- audience: management
-- shard_only: yes
-- about: the scheme lab's last simulations of draft versions of the primary scheme: the draft (as a version), periods, result hash, adoption; management only
select sim_id, draft_version, effective_from::varchar as effective_from, based_on, notes, periods, strftime(created_at, '%Y-%m-%d %H:%M') as created_at,
  actor, result_sha256, strftime(adopted_at, '%Y-%m-%d') as adopted_at, definition::varchar as definition
from meta.lab_simulations where scheme_id = $scheme order by sim_id desc limit 5
