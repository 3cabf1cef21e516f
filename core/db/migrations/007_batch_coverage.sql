-- How far each loaded batch covers its source (issue 10 item 2): a period is complete when the sources' own coverage
-- has passed its end (and the clock has), never because some record carries a later timestamp. A file covers up to
-- the earlier of its modification time (when the export was written) and its load; an API page up to its fetch
-- (the source's cursors in meta.source_cursors move it on when nothing new arrives). Batches loaded before this
-- migration have no row here and count as covering up to their load (meta.batches.started_at).
CREATE TABLE meta.batch_coverage (
  batch_id BIGINT PRIMARY KEY,
  covers_to TIMESTAMPTZ NOT NULL,
  basis VARCHAR NOT NULL            -- 'file modified' | 'loaded' | 'fetched'
);
