-- Quality audits of solutions, credited to the agent named on the audit, else the ticket's resolver; an accepted
-- appeal may correct an audit's score (meta.corrections).
with corrections as (
    select audit_id, arg_max(new_score, correction_id) as new_score
    from meta.corrections
    where kind = 'correct_audit_score'
    group by audit_id
)
select
    a.audit_id,
    a.ticket_id,
    coalesce(a.agent_id, t.resolver_id) as agent_id,
    a.audited_at,
    coalesce(x.new_score, a.score) as score,
    a.severity,
    a.severity = 'critical' and x.new_score is null as serious,
    a._batch_id as batch_id
from raw.quality_audits a
left join stg.tickets t on t.ticket_id = a.ticket_id
left join corrections x using (audit_id)
where a._current
