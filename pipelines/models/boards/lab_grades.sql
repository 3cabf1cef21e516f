-- audience: management
-- shard_only: yes
-- about: the scheme lab's grades of the last simulations (the scheme in force beside the draft); management only
select t.* from meta.lab_grades t where t.sim_id in (select sim_id from meta.lab_simulations where scheme_id = $scheme order by sim_id desc limit 5)
order by all
