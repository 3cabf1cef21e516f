/**
 * The resolution a quarantine line gets when a later load brings a good copy of its record at least as new (ingest,
 * data-loaders/ingest/settle.ts): the quarantined row goes, and the line names the batch that superseded it. A run
 * reads that batch back (pipelines/run-changes.ts): a row set aside that a new batch superseded is that batch's
 * change, traced with its records, not a quarantine act.
 */
export const supersededResolution = (batchSql: string): string =>
  `'superseded: a good copy of this record at least as new is loaded (batch ' || ${batchSql} || ')'`;

/** SQL over meta.quarantine: the batch that superseded the line's row, NULL for any other resolution. */
export const SUPERSEDING_BATCH_SQL = "TRY_CAST(regexp_extract(resolution, '^superseded: .*\\(batch (\\d+)\\)$', 1) AS BIGINT)";
