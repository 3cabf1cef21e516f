/**
 * A file is hashed again only when it may have changed (data-loaders/ingest/file-hash.ts): a scheduled ingest
 * re-reads every configured file, and an unchanged 2.8 GB export cost 4.3 s of hashing per refresh at 10M tickets.
 */
import { appendFileSync, renameSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fileSha256, RACY_MS } from "../../data-loaders/ingest/file-hash.ts";
import { loadFile, sha256File } from "../../data-loaders/ingest/load-file.ts";
import { loadMapping } from "../../data-loaders/mappings/schema.ts";
import { csv, withWarehouse, writeFile } from "../helpers/warehouse.ts";

/** sha256File, counting the files it read */
function countingHash() {
  const read: string[] = [];
  const hash = (f: string) => {
    read.push(path.basename(f));
    return sha256File(f);
  };
  return { read, hash };
}

/** set a file's modified time an hour back, as for an export written before this ingest (its changed time is now) */
const anHourOld = (file: string) => utimesSync(file, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
/** the clock an ingest would see RACY_MS and a second after the file's last change */
const later = () => Date.now() + RACY_MS + 1000;

describe("a file's hash", () => {
  it("is read once while the file stays as it was, and again after any write", async () => {
    await withWarehouse(async (wh, dir) => {
      const file = writeFile(dir, "tickets.csv", "ticket_id\nT-1\n");
      anHourOld(file);
      const h = countingHash();
      const first = await fileSha256(wh, file, h.hash, later);
      expect(first).toEqual({ sha256: await sha256File(file), cached: false });
      expect(await fileSha256(wh, file, h.hash, later)).toEqual({ sha256: first.sha256, cached: true });
      expect(h.read).toEqual(["tickets.csv"]);

      // rewritten with other bytes of the same length, its modified time set back: the changed time still moved
      writeFileSync(file, "ticket_id\nT-2\n");
      anHourOld(file);
      const second = await fileSha256(wh, file, h.hash, later);
      expect(second.cached).toBe(false);
      expect(second.sha256).not.toBe(first.sha256);
      expect(second.sha256).toBe(await sha256File(file));

      // grown
      appendFileSync(file, "T-3\n");
      expect((await fileSha256(wh, file, h.hash, later)).cached).toBe(false);
      // another file moved into its place (another inode)
      const other = writeFile(dir, "other.csv", "ticket_id\nT-9\n");
      renameSync(other, file);
      const third = await fileSha256(wh, file, h.hash, later);
      expect(third.cached).toBe(false);
      expect(third.sha256).toBe(await sha256File(file));
      expect(h.read).toHaveLength(4);
    });
  });

  it("is not remembered for a file changed just before it was hashed (a write in the same clock tick would not show)", async () => {
    await withWarehouse(async (wh, dir) => {
      const file = writeFile(dir, "fresh.csv", "ticket_id\nT-1\n");
      const h = countingHash();
      expect((await fileSha256(wh, file, h.hash)).cached).toBe(false);
      expect((await fileSha256(wh, file, h.hash)).cached).toBe(false);
      expect(h.read).toHaveLength(2);
      expect(await wh.value("SELECT count(*) FROM meta.file_stats")).toBe(0);
    });
  });

  it("lets an ingest skip a file loaded before without reading it, and load it when it changed", async () => {
    await withWarehouse(async (wh, dir) => {
      const roster = writeFile(dir, "r.csv", csv(["agent_id", "display_name", "team", "department", "hire_date"], [["A1", "Ann", "T1", "S", "2025-01-01"]]));
      await loadFile(wh, { file: roster, source: "r", mapping: loadMapping("canonical/agents") });
      const head = ["ticket_id", "created_at", "updated_at", "status", "priority", "assignee_id"];
      const file = writeFile(dir, "t.csv", csv(head, [["T-1", "2026-03-30 10:00:00", "2026-03-30 10:05:00", "open", "high", "A1"]]));
      anHourOld(file);
      const m = loadMapping("canonical/tickets");
      // the load itself hashes the file (on the real clock: the file changed its times a moment ago, so it is racy
      // and not remembered); a hash taken a few seconds later is remembered, and the next load uses it
      expect((await loadFile(wh, { file, source: "t", mapping: m })).status).toBe("loaded");
      await fileSha256(wh, file, sha256File, later);
      const again = await loadFile(wh, { file, source: "t", mapping: m });
      expect(again.status).toBe("skipped");
      expect(await wh.value("SELECT count(*) FROM meta.file_stats WHERE path LIKE '%t.csv'")).toBe(1);
      // the same path with a newer version of the ticket: loaded
      writeFileSync(file, csv(head, [["T-1", "2026-03-30 10:00:00", "2026-04-02 09:00:00", "pending", "high", "A1"]]));
      anHourOld(file);
      const changed = await loadFile(wh, { file, source: "t", mapping: m });
      expect([changed.status, changed.replaced]).toEqual(["loaded", 1]);
    });
  });
});
