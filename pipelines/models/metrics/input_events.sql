-- materialized: view
-- The input records that happen at a moment (first responses, complaints, CSAT responses, quality audits), with that
-- moment in local time (l, converted once per record): input_records places each in the month, quarter and year that
-- contain it; indicator_input_counts counts them per month and adds the months up into quarters and years.
select responder_id as agent_id, local_time(first_response_at) as l, 'responded' as input_set, 'ticket' as input_kind,
    ticket_id as input_id, batch_id
from int.tickets_credited where first_response_at is not null and responder_id is not null
union all
select complaint_agent_id, local_time(coalesce(resolved_at, created_at)), 'complaints', 'ticket', ticket_id, batch_id
from int.tickets_credited where complaint and complaint_agent_id is not null
union all
select agent_id, local_time(submitted_at), 'csat_responses', 'csat_response', response_id, batch_id
from int.csat_credited where agent_id is not null
union all
select agent_id, local_time(audited_at), 'audits', 'quality_audit', audit_id, batch_id
from int.quality_audits_corrected where agent_id is not null
union all
select agent_id, local_time(audited_at), 'serious_audits', 'quality_audit', audit_id, batch_id
from int.quality_audits_corrected where agent_id is not null and serious
