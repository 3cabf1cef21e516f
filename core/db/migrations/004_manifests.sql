-- Proof of every published number (issue 6). Each publication of a period carries a manifest: the scheme versions
-- and their hashes, the hash of every input batch in force (its file's sha256 and a fingerprint of its rows), the
-- row counts, the hash of every published table restricted to the period, and the hash of the model code.
-- `appraisal verify` rebuilds the period from the warehouse and compares; each verification is recorded.
CREATE TABLE meta.manifests (
  scheme_id VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  revision INTEGER NOT NULL,        -- the publication (meta.published_results) it belongs to
  created_at TIMESTAMPTZ NOT NULL,
  sha256 VARCHAR NOT NULL,          -- of the manifest's canonical JSON; also in the publish entry of the audit log
  manifest JSON NOT NULL,
  PRIMARY KEY (scheme_id, period, revision)
);

CREATE TABLE meta.verifications (
  scheme_id VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  revision INTEGER NOT NULL,
  verified_at TIMESTAMPTZ NOT NULL,
  ok BOOLEAN NOT NULL,
  differences JSON NOT NULL,        -- [{kind, name, detail}]: what no longer matches the manifest
  seconds DOUBLE NOT NULL
);
