-- Quality audits of solutions, credited to the agent named on the audit, else the ticket's resolver; an accepted
-- appeal may correct an audit's score (meta.corrections), and a corrected critical audit is no longer a serious error.
with corrections as (
    select audit_id, arg_max(new_score, correction_id) as new_score
    from meta.corrections
    where kind = 'correct_audit_score'
    group by audit_id
)
select
    a.audit_id,
    a.ticket_id,
    coalesce(a.named_agent_id, t.resolver_id) as agent_id,
    a.audited_at,
    coalesce(x.new_score, a.score) as score,
    a.severity,
    a.severity = 'critical' and x.new_score is null as serious,
    a.batch_id
from stg.quality_audits a
left join int.tickets_credited t on t.ticket_id = a.ticket_id
left join corrections x using (audit_id)
