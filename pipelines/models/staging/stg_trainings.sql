select record_id, agent_id, completed_on, hours
from raw.trainings
where _current
