-- The audit chain is keyed (issue 10 item 5): each entry's hash is an HMAC-SHA256 with a key from the environment
-- (config audit.key_env, default APPRAISAL_AUDIT_KEY), never stored in the warehouse, so that an entry cannot be
-- edited and its chain recomputed by someone who can only write the warehouse. `mac` names how an entry's hash was
-- made: 'hmac-sha256', or 'sha256' for entries written without a key (the entries before this migration too).
ALTER TABLE meta.audit_log ADD COLUMN mac VARCHAR;
UPDATE meta.audit_log SET mac = 'sha256';
