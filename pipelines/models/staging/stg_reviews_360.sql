-- 360-degree ratings, one per rater, subject and dimension. Rater ids stay in the warehouse and are never published.
select period, subject_id as agent_id, rater_id, relation, dimension, score, _batch_id as batch_id
from raw.reviews_360
where _current
