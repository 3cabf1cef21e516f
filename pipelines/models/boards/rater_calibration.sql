-- audience: management
-- shard_only: yes
-- about: 360 ratings per team and rater group against the other raters: a lenient or strict supervisor shows; management only
select period_type, period, team, measure, agents, raters, mean_rating, rest_mean, effect, effect_low, effect_high, calibration
from mart.rater_calibration where team is not null order by period, team, measure
