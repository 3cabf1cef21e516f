-- What each file looked like on disk when its content hash was taken: device, inode, size, and its modified and
-- changed times in nanoseconds. A file that still looks exactly the same is not read again to be hashed
-- (data-loaders/ingest/file-hash.ts): a scheduled ingest re-reads every configured file, and at 10M tickets
-- hashing the unchanged 2.8 GB export alone took 4.3 s of each refresh's ingest. Only a cache: a row missing or
-- wrong in any part means the file is hashed again.
CREATE TABLE meta.file_stats (
  path VARCHAR PRIMARY KEY,           -- the file's real path (symbolic links resolved)
  dev VARCHAR NOT NULL,
  ino VARCHAR NOT NULL,
  size VARCHAR NOT NULL,
  mtime_ns VARCHAR NOT NULL,
  ctime_ns VARCHAR NOT NULL,
  sha256 VARCHAR NOT NULL,
  hashed_at TIMESTAMPTZ NOT NULL
);
