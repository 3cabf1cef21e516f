-- CSAT responses credited to the agent named on the rating, else the ticket's resolver.
-- Satisfied: 4-5 on a 1-5 scale, or good on good/bad.
select
    c.response_id,
    c.ticket_id,
    coalesce(c.agent_id, t.resolver_id) as agent_id,
    c.submitted_at,
    c.score,
    c.scale,
    (c.scale = '1-5' and c.score >= 4) or (c.scale = 'good_bad' and c.score = 1) as satisfied
from raw.csat c
left join stg.tickets t on t.ticket_id = c.ticket_id
where c._current
