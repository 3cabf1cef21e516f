-- Every canonical key is in force once: no two current rows share a key.
select 'raw.tickets' as tbl, ticket_id as key, count(*) as copies from raw.tickets where _current group by ticket_id having count(*) > 1
union all
select 'raw.agents', agent_id, count(*) from raw.agents where _current group by agent_id having count(*) > 1
union all
select 'raw.csat', response_id, count(*) from raw.csat where _current group by response_id having count(*) > 1
union all
select 'raw.quality_audits', audit_id, count(*) from raw.quality_audits where _current group by audit_id having count(*) > 1
union all
select 'raw.reviews_360', concat_ws('/', period, subject_id, rater_id, dimension), count(*) from raw.reviews_360 where _current
group by period, subject_id, rater_id, dimension having count(*) > 1
union all
select 'raw.collab_survey', response_id, count(*) from raw.collab_survey where _current group by response_id having count(*) > 1
union all
select 'raw.trainings', record_id, count(*) from raw.trainings where _current group by record_id having count(*) > 1
union all
select 'raw.certifications', record_id, count(*) from raw.certifications where _current group by record_id having count(*) > 1
union all
select 'raw.contributions', record_id, count(*) from raw.contributions where _current group by record_id having count(*) > 1
union all
select 'raw.roster_changes', concat_ws('/', agent_id, effective_from), count(*) from raw.roster_changes where _current
group by agent_id, effective_from having count(*) > 1
union all
select 'raw.opinion_survey', response_id, count(*) from raw.opinion_survey where _current group by response_id having count(*) > 1
