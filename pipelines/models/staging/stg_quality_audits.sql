-- Quality audits of solutions, credited to the agent named on the audit, else the ticket's resolver.
select
    a.audit_id,
    a.ticket_id,
    coalesce(a.agent_id, t.resolver_id) as agent_id,
    a.audited_at,
    a.score,
    a.severity,
    a.severity = 'critical' as serious
from raw.quality_audits a
left join stg.tickets t on t.ticket_id = a.ticket_id
where a._current
