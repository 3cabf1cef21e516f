-- audience: management
-- shard_only: yes
-- about: the bottom-20% tracker (末位淘汰) per agent and quarter: state, consecutive count, reason, triggers, the committee's decision; management only
select t.quarter as period, t.agent_id, t.display_name, t.team, t.composite, t.department_rank, t.department_ranked, t.bottom_cut,
  t.in_bottom_group, t.tied_at_cut, t.state, t.consecutive, t.reason, t.quality_trigger, t.efficiency_trigger, t.rank_low, t.rank_high,
  t.uncertainty_note, t.committee_decision, t.committee_members, t.committee_note,
  -- an open review: where it began and the day the committee's decision is due (the department's calendar)
  t.review_since, t.awaiting_decision, case when t.awaiting_decision then d.due::varchar end as review_due
from mart.bottom_tracker t
left join $review_due d on d.flagged_on = t.review_flagged_on and d.working_days = t.review_decision_working_days
where t.scheme_id = $scheme order by t.quarter, t.agent_id
