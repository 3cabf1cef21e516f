/**
 * A file's content hash, read again only when the file may have changed. An ingest recognises a file it loaded
 * before by its sha256 (load-file.ts), and a scheduled ingest re-reads every configured file: at 10M tickets,
 * hashing the unchanged 2.8 GB export took 4.3 s of every refresh's ingest.
 *
 * The rule is git's for its index: the hash of a file is taken again unless its device, inode, size, modified time
 * and changed time (nanoseconds) are all what they were when it was hashed (meta.file_stats). Writing a file moves
 * its changed time, which no program can set back, so a file with the same stats has the same bytes, with one
 * exception: a write within the same clock tick as the stat before hashing leaves the times as they were (racy git).
 * So the stats are recorded only for a file that was last changed at least RACY_MS before its hash was taken, and
 * that looked the same after the hash as before it.
 */
import { realpathSync, type BigIntStats, statSync } from "node:fs";
import type { Warehouse } from "../../core/db/warehouse.ts";

/** a file changed less than this before its hash was taken is hashed again next time (file-system clocks tick
 *  coarser than their nanoseconds: ext4 about 4 ms, FAT 2 s) */
export const RACY_MS = 3000;

interface FileStats {
  dev: string;
  ino: string;
  size: string;
  mtime_ns: string;
  ctime_ns: string;
}

const statsOf = (s: BigIntStats): FileStats => ({
  dev: String(s.dev),
  ino: String(s.ino),
  size: String(s.size),
  mtime_ns: String(s.mtimeNs),
  ctime_ns: String(s.ctimeNs),
});

const same = (a: FileStats, b: FileStats) =>
  a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtime_ns === b.mtime_ns && a.ctime_ns === b.ctime_ns;

export interface FileHash {
  sha256: string;
  /** the hash recorded for the same file with the same stats was used; the file was not read */
  cached: boolean;
}

/** The file's sha256: the recorded one if the file looks as it did then, else `hash(file)`, recorded if not racy. */
export async function fileSha256(wh: Warehouse, file: string, hash: (file: string) => Promise<string>, now = () => Date.now()): Promise<FileHash> {
  const real = realpathSync(file);
  const before = statsOf(statSync(real, { bigint: true }));
  const [known] = await wh.all<FileStats & { sha256: string }>("SELECT dev, ino, size, mtime_ns, ctime_ns, sha256 FROM meta.file_stats WHERE path = $p", {
    p: real,
  });
  if (known && same(known, before)) return { sha256: known.sha256, cached: true };
  const startedMs = now();
  const sha256 = await hash(file);
  const after = statsOf(statSync(real, { bigint: true }));
  const lastChangeMs = Number((BigInt(before.mtime_ns) > BigInt(before.ctime_ns) ? BigInt(before.mtime_ns) : BigInt(before.ctime_ns)) / 1_000_000n);
  if (same(before, after) && startedMs - lastChangeMs >= RACY_MS)
    await wh.run(
      `INSERT OR REPLACE INTO meta.file_stats (path, dev, ino, size, mtime_ns, ctime_ns, sha256, hashed_at)
       VALUES ($path, $dev, $ino, $size, $mtime_ns, $ctime_ns, $sha256, to_timestamp($at / 1000.0))`,
      { path: real, ...before, sha256, at: startedMs },
    );
  else if (known) await wh.run("DELETE FROM meta.file_stats WHERE path = $p", { p: real });
  return { sha256, cached: false };
}
