-- CSAT responses credited to the agent named on the rating, else the ticket's resolver; an accepted appeal may
-- reattribute a response to another agent (meta.corrections). Satisfied: 4-5 on a 1-5 scale, or good on good/bad.
with corrections as (
    select response_id, arg_max(agent_id, correction_id) as appellant, arg_max(to_agent_id, correction_id) as to_agent_id
    from meta.corrections
    where kind = 'reattribute_csat'
    group by response_id
),
credited as (
    select c.*, coalesce(c.named_agent_id, t.resolver_id) as credited_to
    from stg.csat c
    left join int.tickets_credited t on t.ticket_id = c.ticket_id
)
select
    c.response_id,
    c.ticket_id,
    case when c.credited_to = x.appellant then x.to_agent_id else c.credited_to end as agent_id,
    c.submitted_at,
    c.score,
    c.scale,
    (c.scale = '1-5' and c.score >= 4) or (c.scale = 'good_bad' and c.score = 1) as satisfied,
    c.batch_id
from credited c
left join corrections x using (response_id)
