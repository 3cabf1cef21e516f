-- Final is final (issue 10 item 1): publishing a period freezes every figure the boards show for it. The rows of each
-- published mart relation for the period are copied into frozen.<relation> (with _scheme and _revision), created on
-- first use with the relation's columns; meta.frozen_revisions lists what each publication froze. The snapshot for the
-- boards reads the frozen revision of a published period, never the live results of a later run.
CREATE SCHEMA IF NOT EXISTS frozen;

CREATE TABLE meta.frozen_revisions (
  scheme_id VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  revision INTEGER NOT NULL,
  relation VARCHAR NOT NULL,        -- mart.<name>
  columns VARCHAR[] NOT NULL,       -- the relation's columns when it was frozen (in order)
  rows BIGINT NOT NULL,
  PRIMARY KEY (scheme_id, period, revision, relation)
);

-- What the latest run would change in a published period if it were let in: per agent and figure, the published
-- (frozen) value and the live one. Rebuilt by every run; a final period takes them only through reopen and publish,
-- a provisional one through a new publication (a new revision, announced on the boards).
CREATE TABLE meta.pending_changes (
  scheme_id VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  state VARCHAR NOT NULL,           -- provisional | final: the period's state when the run found the change
  revision INTEGER NOT NULL,        -- the revision in force (frozen)
  run_id BIGINT NOT NULL,
  agent_id VARCHAR,                 -- NULL for a team or department figure
  figure VARCHAR NOT NULL,          -- composite | grade | rank | ranked | bottom group | tracker state | indicator <id> value|score | dimension <id> score | 360 <relation> <dimension> | team <team> mean composite
  old VARCHAR,
  new VARCHAR
);
