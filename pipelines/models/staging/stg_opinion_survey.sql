-- The staff's opinion survey on the scheme, one row per answer sheet in force and indicator answered: the round (a
-- quarter; the quarter of submission when the survey gives none), the team the respondent gave, or the roster's
-- agent when the survey names one (the team is looked up in the marts), and the verdict (fair | unclear | unfair).
-- The free text stays in raw.opinion_survey; its words are in stg_opinion_terms.sql.
select
    o.response_id,
    coalesce(o.round, quarter_key(o.submitted_at)) as round,
    o.team,
    o.respondent_id,
    e.key as indicator_id,
    e.value as verdict
from (
    select *, unnest(map_entries(cast(cast(answers as json) as map(varchar, varchar)))) as e
    from raw.opinion_survey
    where _current
) o
where e.value is not null
