-- Quality audits of solutions in force, renamed and cast: named_agent_id is the agent the audit names (or none).
-- Who is credited, appeal corrections of the score and what is a serious error are int_quality_audits_corrected.
select
    audit_id,
    ticket_id,
    agent_id as named_agent_id,
    audited_at,
    score,
    severity,
    _batch_id as batch_id
from raw.quality_audits
where _current
