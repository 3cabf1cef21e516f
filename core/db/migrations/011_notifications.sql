-- Notifications (pipelines/notify): one row per event, channel and recipient, written before a message is sent
-- (state 'sending') and after (sent | failed), so that a retried run never sends the same message twice. A row left
-- 'sending' by a crash becomes 'unknown': it is not sent again unless someone asks (appraisal notify --resend KEY).
CREATE TABLE meta.notifications (
  event_key VARCHAR NOT NULL,       -- period_provisional:support-weighted:2026-Q3:r1 and the like
  channel VARCHAR NOT NULL,         -- the configured channel name
  recipient VARCHAR NOT NULL,       -- '' for a group channel, else the email address(es)
  event VARCHAR NOT NULL,           -- the event kind
  state VARCHAR NOT NULL,           -- sending | sent | failed | unknown
  attempts INTEGER NOT NULL,        -- sends tried, over all runs (each with its retries)
  language VARCHAR NOT NULL,
  title VARCHAR NOT NULL,
  message_sha256 VARCHAR NOT NULL,
  first_at TIMESTAMPTZ NOT NULL,
  last_at TIMESTAMPTZ NOT NULL,
  sent_at TIMESTAMPTZ,
  last_error VARCHAR,
  PRIMARY KEY (event_key, channel, recipient)
);
