select record_id, agent_id, submitted_on, kind, quality, adopted
from raw.contributions
where _current
