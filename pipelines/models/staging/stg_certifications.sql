select record_id, agent_id, obtained_on, name, level
from raw.certifications
where _current
