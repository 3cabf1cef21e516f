-- The staff's opinion survey on the scheme (canonical table opinion_survey): one answer sheet per row, the verdicts
-- per indicator as a JSON object. Free text and respondent ids stay in the warehouse; only aggregates of at least
-- five respondents are published (mart.opinion_results), and themes of words used by at least five (opinion_themes).
CREATE TABLE raw.opinion_survey (
  response_id VARCHAR, submitted_at TIMESTAMPTZ, round VARCHAR, team VARCHAR, respondent_id VARCHAR,
  answers VARCHAR, comment VARCHAR,
  _batch_id BIGINT NOT NULL, _record BIGINT, _current BOOLEAN NOT NULL,
  _bad BOOLEAN NOT NULL, _problems STRUCT(field VARCHAR, value VARCHAR, reason VARCHAR, "match" MAP(VARCHAR, VARCHAR))[]
);

-- the words of each answer sheet's free text, cut by a Chinese segmenter (jieba) when the sheet is loaded; the
-- themes count a word only where at least five respondents used it
CREATE TABLE meta.opinion_terms (
  batch_id BIGINT NOT NULL,
  response_id VARCHAR NOT NULL,
  term VARCHAR NOT NULL,
  PRIMARY KEY (batch_id, response_id, term)
);
