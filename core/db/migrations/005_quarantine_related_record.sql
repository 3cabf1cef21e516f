-- Quarantine reasons are generic (issue 10 item 7, issue 11 item 8): no source value and no record number in the
-- text, so that "counts by reason" groups rows and a published reason carries nothing private. The offending value
-- stays in `value` (never published), the row's own record in `record`, and another record a reason refers to (the
-- copy of a duplicate key that was kept) in `related_record`
ALTER TABLE meta.quarantine ADD COLUMN related_record BIGINT;
-- ... and that record's physical line where the file has lines (what a user opens in an editor).
ALTER TABLE meta.quarantine ADD COLUMN related_line BIGINT;
