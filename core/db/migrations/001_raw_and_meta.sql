-- Raw layer: canonical rows as loaded, one table per canonical contract (data-loaders/contracts/tables.ts).
-- A file is checked and written in one pass; every version of a record that was ever loaded stays, and
-- _current marks the one in force (the newest version of its key). Staging reads only current rows.
-- The raw tables themselves are generated from the contracts after the migrations (pipelines/db/raw-tables.ts):
-- their columns are written once, in the contract. No primary keys and no NOT NULL on the fields: the contract is
-- enforced by the loader, and the unique-key check generated from the contracts' keys asserts that current keys
-- are unique. Every row remembers the batch (file) it came from.
CREATE SCHEMA IF NOT EXISTS raw;

-- Meta: every load is a batch; every rejected value is a quarantine row; every pipeline run is recorded.
CREATE SEQUENCE meta.batch_seq START 1;
CREATE TABLE meta.batches (
  batch_id BIGINT PRIMARY KEY,
  source VARCHAR NOT NULL,            -- the configured source name (or 'cli' for a single file)
  target_table VARCHAR NOT NULL,      -- canonical table
  file VARCHAR NOT NULL,              -- path as given
  file_sha256 VARCHAR NOT NULL,       -- content hash: the same file is loaded once
  mapping VARCHAR NOT NULL,
  encoding VARCHAR,
  rows_read BIGINT NOT NULL,
  rows_inserted BIGINT NOT NULL,
  rows_replaced BIGINT NOT NULL,
  rows_unchanged BIGINT NOT NULL,
  rows_superseded BIGINT NOT NULL,    -- older copies of a record within the same file
  rows_quarantined BIGINT NOT NULL,
  started_at TIMESTAMPTZ NOT NULL,
  finished_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE meta.quarantine (
  batch_id BIGINT NOT NULL,
  source VARCHAR NOT NULL,
  file VARCHAR NOT NULL,
  target_table VARCHAR NOT NULL,
  record BIGINT,                      -- 1-based data record in the file (NULL for file-level problems)
  line BIGINT,                        -- physical line, where the format has lines
  field VARCHAR NOT NULL,             -- canonical field, or (file) / (row) for whole-file and malformed rows
  value VARCHAR,                      -- the offending value, shortened; stays in the warehouse, never published
  reason VARCHAR NOT NULL
);

CREATE SEQUENCE meta.run_seq START 1;
CREATE TABLE meta.runs (
  run_id BIGINT PRIMARY KEY,
  kind VARCHAR NOT NULL,              -- ingest | run | pipeline
  started_at TIMESTAMPTZ NOT NULL,
  finished_at TIMESTAMPTZ,
  outcome VARCHAR NOT NULL,           -- running | ok | failed
  detail JSON,
  error VARCHAR
);

-- The schemes in force, as data: every version that ever scored a period is kept, with the hash of its text.
CREATE TABLE meta.scheme_versions (
  scheme_id VARCHAR NOT NULL,
  version VARCHAR NOT NULL,
  effective_from DATE NOT NULL,
  effective_to DATE,
  sha256 VARCHAR NOT NULL,
  definition JSON NOT NULL,
  loaded_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
  PRIMARY KEY (scheme_id, version, sha256)
);
