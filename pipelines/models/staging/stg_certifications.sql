select record_id, agent_id, obtained_on, name, level, _batch_id as batch_id
from raw.certifications
where _current
