-- The staff's verdicts on each indicator of the scheme, per survey round, per team and for everyone (team null):
-- respondents and how many found it fair, unclear or unfair. A group of fewer than 5 respondents is never shown
-- (METRICS.md, "Small-group suppression"), and the suppression holds across the aggregates: when the withheld teams
-- of an indicator add up to fewer than 5 respondents, the total minus the shown teams would reveal them, so the
-- smallest shown team is withheld too; the total itself needs 5. Withheld rows keep only the reason.
with answers as (
    select s.round, s.indicator_id, coalesce(s.team, a.team, '') as team, s.response_id, s.verdict
    from stg.opinion_survey s
    left join stg.agents a on a.agent_id = s.respondent_id
),
cells as (
    select round, indicator_id, team,
        count(distinct response_id) as respondents,
        count(*) filter (where verdict = 'fair') as fair,
        count(*) filter (where verdict = 'unclear') as unclear,
        count(*) filter (where verdict = 'unfair') as unfair
    from answers
    group by all
),
first_pass as (
    select *, respondents < 5 as small from cells
),
residual as (
    select round, indicator_id, coalesce(sum(respondents) filter (where small), 0) as withheld
    from first_pass
    group by all
),
second_pass as (
    -- the smallest shown team (ties: by name), where the withheld ones alone would be a group under 5
    select p.round, p.indicator_id, arg_min(p.team, lpad(cast(p.respondents as varchar), 12, '0') || p.team) as team
    from first_pass p
    join residual r using (round, indicator_id)
    where not p.small and r.withheld > 0 and r.withheld < 5
    group by all
),
teams as (
    select p.round, p.indicator_id, p.team, p.respondents, p.fair, p.unclear, p.unfair,
        case when p.small then 'fewer than 5 respondents'
             when s.team is not null then 'withheld so that a smaller group cannot be worked out from the total'
        end as withheld_reason
    from first_pass p
    left join second_pass s on s.round = p.round and s.indicator_id = p.indicator_id and s.team = p.team
),
totals as (
    select round, indicator_id, null::varchar as team, sum(respondents) as respondents, sum(fair) as fair,
        sum(unclear) as unclear, sum(unfair) as unfair,
        case when sum(respondents) < 5 then 'fewer than 5 respondents' end as withheld_reason
    from cells
    group by all
)
select round, indicator_id, nullif(team, '') as team, team = '' as team_not_given,
    withheld_reason is null as shown,
    case when withheld_reason is null then respondents end as respondents,
    case when withheld_reason is null then fair end as fair,
    case when withheld_reason is null then unclear end as unclear,
    case when withheld_reason is null then unfair end as unfair,
    withheld_reason
from teams
union all by name
select round, indicator_id, team, false as team_not_given, withheld_reason is null as shown,
    case when withheld_reason is null then respondents end as respondents,
    case when withheld_reason is null then fair end as fair,
    case when withheld_reason is null then unclear end as unclear,
    case when withheld_reason is null then unfair end as unfair,
    withheld_reason
from totals
