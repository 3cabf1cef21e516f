-- The words of the opinion survey's free text (cut by jieba when the sheet was loaded), for the sheets in force.
select coalesce(o.round, quarter_key(o.submitted_at)) as round, o.response_id, t.term
from meta.opinion_terms t
join raw.opinion_survey o on o._batch_id = t.batch_id and o.response_id = t.response_id and o._current
