-- audience: management
-- shard_only: yes
-- about: themes of the opinion survey's free text: words five or more respondents used, per round (never the text); management only
select round, term, respondents, theme_rank from mart.opinion_themes order by round, theme_rank, term
