select record_id, agent_id, completed_on, hours, _batch_id as batch_id
from raw.trainings
where _current
