-- Themes of the opinion survey's free text, per round: the words (cut by a Chinese segmenter when loaded) that at
-- least 5 respondents used, most used first. Fewer than 5 could point at a person; the text itself is never shown.
with counted as (
    select round, term, count(distinct response_id) as respondents
    from stg.opinion_terms
    group by round, term
)
select round, term, respondents, rank() over (partition by round order by respondents desc) as theme_rank
from counted
where respondents >= 5
