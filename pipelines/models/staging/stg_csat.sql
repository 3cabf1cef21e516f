-- CSAT responses in force, renamed and cast: named_agent_id is the agent the rating names (often none). Who is
-- credited, and what counts as satisfied, is int_csat_credited.
select
    response_id,
    ticket_id,
    agent_id as named_agent_id,
    submitted_at,
    score,
    scale,
    _batch_id as batch_id
from raw.csat
where _current
