-- Quarantined rows never stay in force.
select 'raw.tickets' as tbl, count(*) as bad_rows from raw.tickets where _bad having count(*) > 0
union all select 'raw.agents', count(*) from raw.agents where _bad having count(*) > 0
union all select 'raw.csat', count(*) from raw.csat where _bad having count(*) > 0
