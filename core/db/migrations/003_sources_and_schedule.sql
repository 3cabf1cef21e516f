-- Live sources and the schedule.
-- meta.source_cursors: where each API source (and each of its streams) stopped, committed in the same transaction
-- as the rows it covers, so that a crash resumes from the last committed page and a run fetches only what changed.
-- The cursor is the API's own token or a time watermark; it never holds a secret.
CREATE TABLE meta.source_cursors (
  source VARCHAR NOT NULL,            -- the configured source name
  stream VARCHAR NOT NULL,            -- tickets | satisfaction_ratings | issues | records
  cursor JSON NOT NULL,               -- {"after_cursor": ...} | {"updated_since": ...} | {"next": ...}
  records BIGINT NOT NULL,            -- records fetched under this cursor so far (all runs)
  updated_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (source, stream)
);

-- Every run (manual or scheduled, ingest, run, publish, reminder, or one skipped because another held the lock).
ALTER TABLE meta.runs ADD COLUMN trigger VARCHAR;   -- manual | schedule
ALTER TABLE meta.runs ADD COLUMN job VARCHAR;       -- the schedule's job name, for scheduled runs
ALTER TABLE meta.runs ADD COLUMN rows BIGINT;       -- rows read (ingest) or written (run)
