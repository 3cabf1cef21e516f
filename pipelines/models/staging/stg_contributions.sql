select record_id, agent_id, submitted_on, kind, quality, adopted, _batch_id as batch_id
from raw.contributions
where _current
