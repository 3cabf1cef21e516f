-- The staff's opinion survey on the scheme (canonical table opinion_survey): one answer sheet per row, the verdicts
-- per indicator as a JSON object. Free text and respondent ids stay in the warehouse; only aggregates of at least
-- five respondents are published (mart.opinion_results), and themes of words used by at least five (opinion_themes).
-- (raw.opinion_survey is generated from its contract with the other raw tables: pipelines/db/raw-tables.ts)

-- the words of each answer sheet's free text, cut by a Chinese segmenter (jieba) when the sheet is loaded; the
-- themes count a word only where at least five respondents used it
CREATE TABLE meta.opinion_terms (
  batch_id BIGINT NOT NULL,
  response_id VARCHAR NOT NULL,
  term VARCHAR NOT NULL,
  PRIMARY KEY (batch_id, response_id, term)
);
