-- The department's rules: period lifecycle, published results, appeals and their corrections, acknowledgements,
-- committee decisions, tracker exclusions, and the append-only audit log.

-- Every act is an entry; each entry carries the hash of the one before it (see pipelines/rules/audit.ts).
CREATE TABLE meta.audit_log (
  seq BIGINT PRIMARY KEY,
  logged_at TIMESTAMPTZ NOT NULL,
  actor VARCHAR NOT NULL,
  action VARCHAR NOT NULL,          -- ingest | run | publish | reopen | appeal.file | appeal.decide | ack | committee | exclusion
  subject VARCHAR NOT NULL,         -- what the act is about: a period, an appeal, an agent, a file
  detail JSON NOT NULL,
  prev_hash VARCHAR NOT NULL,
  hash VARCHAR NOT NULL
);

-- open -> provisional (published for objection, with an appeal deadline) -> final (locked); reopening is recorded.
CREATE TABLE meta.period_states (
  scheme_id VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  state VARCHAR NOT NULL,           -- provisional | final   (no row: open)
  since TIMESTAMPTZ NOT NULL,
  appeal_deadline DATE,             -- last day to file an appeal (provisional)
  revision INTEGER NOT NULL,        -- the published revision in force
  PRIMARY KEY (scheme_id, period)
);

-- Each publication freezes the results it published, so that a board shows exactly what was published, and
-- before/after an appeal can be compared. Aggregates only; no private data.
CREATE TABLE meta.published_results (
  scheme_id VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  revision INTEGER NOT NULL,
  state VARCHAR NOT NULL,
  run_id BIGINT NOT NULL,
  published_at TIMESTAMPTZ NOT NULL,
  agent_id VARCHAR NOT NULL,
  composite DOUBLE,
  grade VARCHAR,
  ranked BOOLEAN,
  department_rank BIGINT,
  department_ranked BIGINT,
  in_bottom_group BOOLEAN,
  indicators JSON,                  -- [{indicator_id, score, contribution}]
  PRIMARY KEY (scheme_id, period, revision, agent_id)
);

CREATE SEQUENCE meta.appeal_seq START 1;
CREATE TABLE meta.appeals (
  appeal_id BIGINT PRIMARY KEY,
  scheme_id VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  agent_id VARCHAR NOT NULL,
  indicator_id VARCHAR NOT NULL,
  reason VARCHAR NOT NULL,
  evidence VARCHAR,
  filed_at TIMESTAMPTZ NOT NULL,
  filed_by VARCHAR NOT NULL,
  state VARCHAR NOT NULL,           -- filed | accepted | rejected
  decided_at TIMESTAMPTZ,
  decided_by VARCHAR,
  decision_reason VARCHAR
);

-- An accepted appeal's correction, as data: the models apply it to the inputs; no score is ever typed in.
CREATE SEQUENCE meta.correction_seq START 1;
CREATE TABLE meta.corrections (
  correction_id BIGINT PRIMARY KEY,
  appeal_id BIGINT NOT NULL,
  kind VARCHAR NOT NULL,            -- exclude_ticket | reattribute_ticket | reattribute_csat | correct_audit_score
  agent_id VARCHAR NOT NULL,        -- the appellant
  ticket_id VARCHAR,
  response_id VARCHAR,
  audit_id VARCHAR,
  to_agent_id VARCHAR,
  new_score DOUBLE,
  created_at TIMESTAMPTZ NOT NULL
);

-- Two-way confirmation: the assessee acknowledges the result of a period.
CREATE TABLE meta.acknowledgements (
  scheme_id VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  agent_id VARCHAR NOT NULL,
  acknowledged_at TIMESTAMPTZ NOT NULL,
  revision INTEGER,
  note VARCHAR,
  source VARCHAR NOT NULL,
  PRIMARY KEY (scheme_id, period, agent_id)
);

-- The review committee's recorded decision on an agent flagged for review. The system records; it never decides.
CREATE TABLE meta.committee_decisions (
  scheme_id VARCHAR NOT NULL,
  period VARCHAR NOT NULL,          -- the quarter of the review
  agent_id VARCHAR NOT NULL,
  decision VARCHAR NOT NULL,        -- retain | extend_coaching | reassign | separation
  members VARCHAR NOT NULL,
  note VARCHAR,
  decided_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (scheme_id, period, agent_id)
);

-- Quarters the bottom-group rule does not count for an agent (long leave and the like), with the reason.
CREATE TABLE meta.tracker_exclusions (
  agent_id VARCHAR NOT NULL,
  from_date DATE NOT NULL,
  to_date DATE NOT NULL,
  reason VARCHAR NOT NULL,
  recorded_at TIMESTAMPTZ NOT NULL
);
