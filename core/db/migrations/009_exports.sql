-- Real exports (issue 11): quarantined rows that can still be fixed, and files read again under a changed mapping.

-- A quarantine line stays as history; once what it reported is fixed it is resolved, with when and how:
-- re-checked against a changed roster, corrected by a later version of the record, or reported again by a reload
-- of the same file. Open lines (resolved_at IS NULL) are what `status` and the data status board count.
ALTER TABLE meta.quarantine ADD COLUMN resolved_at TIMESTAMPTZ;
ALTER TABLE meta.quarantine ADD COLUMN resolution VARCHAR;

-- A quarantined row stays in its raw table (_bad, never _current) with its typed values, so that it can hold its
-- ticket out of the metrics while it is the newest version, and be re-checked when the roster changes. An agent
-- reference the roster did not resolve keeps the texts it was matched on (the "match" of _problems: roster column ->
-- text; the raw tables are generated from the contracts with it, pipelines/db/raw-tables.ts).

-- (meta.batches.rows_superseded now counts the rows of a batch kept as history because a newer version of their
-- record is in force, whichever load brought it; rows_quarantined stays what the load found, the open count is in
-- meta.quarantine.)

-- The hash of the mapping a file was read with (its definition, not its name): the same file under a changed
-- mapping is read again, and replaces what it gave before.
ALTER TABLE meta.batches ADD COLUMN mapping_sha256 VARCHAR;
