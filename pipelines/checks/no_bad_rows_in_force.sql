-- Quarantined rows never stay in force (they may stay in the raw table, out of force, until corrected or re-checked).
select 'raw.tickets' as tbl, count(*) as bad_rows from raw.tickets where _bad and _current having count(*) > 0
union all select 'raw.agents', count(*) from raw.agents where _bad and _current having count(*) > 0
union all select 'raw.csat', count(*) from raw.csat where _bad and _current having count(*) > 0
