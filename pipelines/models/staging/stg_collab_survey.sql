-- Cross-department survey responses; satisfied is 4-5 of 5.
select response_id, period, respondent_department, subject_agent_id as agent_id, score, score >= 4 as satisfied, _batch_id as batch_id
from raw.collab_survey
where _current
