/**
 * The keyed audit chain (issue 10 item 5): the attacks that passed `audit verify` before, each caught now. The key
 * comes from APPRAISAL_AUDIT_KEY (vitest.config.ts sets a test key); the head is anchored outside the warehouse: the
 * head file with its MAC, every period manifest, every published snapshot and site build.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { publish as publishSnapshot } from "../../pipelines/publish/publish.ts";
import { anchorFromDir, appendAudit, auditKey, currentHead, entryHash, GENESIS, headFile, verifyAudit } from "../../core/audit.ts";
import { publish } from "../../pipelines/rules/lifecycle.ts";
import { buildDepartment, type Department } from "../helpers/department.ts";
import { TZ } from "../helpers/warehouse.ts";

const roster = { header: ["agent_id", "display_name", "team", "department", "hire_date"], rows: [["A1", "Ann", "T1", "Support", "2025-01-01"], ["A2", "Bo", "T1", "Support", "2025-01-01"]] };
const tickets = {
  header: ["ticket_id", "created_at", "resolved_at", "status", "priority", "assignee_id"],
  rows: [
    ["T1", "2026-01-01 09:00:00", "2026-01-01 12:00:00", "resolved", "normal", "A1"],
    ["T2", "2026-01-06 09:00:00", "2026-01-06 10:00:00", "resolved", "normal", "A2"],
    ["T3", "2026-02-03 09:00:00", "2026-02-03 11:00:00", "resolved", "normal", "A1"],
  ],
};

let d: Department;
let backup: { head: Buffer };
const key = process.env.APPRAISAL_AUDIT_KEY;

beforeAll(async () => {
  d = await buildDepartment({ roster, tickets });
  await publish({ wh: d.wh, timezone: TZ, asOf: new Date("2026-03-02T02:00:00Z"), actor: "hr" }, "golden", "2026-01", "provisional");
  // the log and its head, restored after each attack
  backup = { head: readFileSync(headFile(d.wh)!) };
});
afterAll(() => d?.done());
afterEach(async () => {
  process.env.APPRAISAL_AUDIT_KEY = key;
  await d.wh.run("DELETE FROM meta.audit_log");
  await d.wh.run("INSERT INTO meta.audit_log SELECT * FROM audit_backup");
  writeFileSync(headFile(d.wh)!, backup.head);
});
beforeAll(async () => {
  await d.wh.run("CREATE TEMP TABLE audit_backup AS SELECT * FROM meta.audit_log");
});

const entries = () => d.wh.value<number>("SELECT count(*) FROM meta.audit_log");

describe("the keyed audit chain", () => {
  it("is keyed with the key from the environment, and verifies whole", async () => {
    expect(auditKey()).not.toBeNull();
    const macs = await d.wh.all<{ mac: string }>("SELECT DISTINCT mac FROM meta.audit_log");
    expect(macs).toEqual([{ mac: "hmac-sha256" }]);
    const r = await verifyAudit(d.wh);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.keyed).toBe(await entries());
    // the period manifest carries the head as it was just before the publication
    const head = JSON.parse(await d.wh.value<string>("SELECT (manifest->'audit_head')::VARCHAR FROM meta.manifests WHERE period = '2026-01'"));
    const publishSeq = await d.wh.value<number>("SELECT seq FROM meta.audit_log WHERE action = 'publish'");
    expect(head.seq).toBe(publishSeq - 1);
    expect(r.anchors).toContain("manifest 2026-01 r1");
  });

  it("fails when the newest entries are deleted together with the head file", async () => {
    const last = await d.wh.value<number>("SELECT max(seq) FROM meta.audit_log");
    await d.wh.run(`DELETE FROM meta.audit_log WHERE seq >= ${last - 1}`);
    rmSync(headFile(d.wh)!);
    const r = await verifyAudit(d.wh);
    expect(r.ok).toBe(false);
    expect(r.problems.join("\n")).toMatch(/the head file .* is missing: the newest entries may have been deleted with it/);
  });

  it("fails when the tail is deleted and the head file rewritten to point at the new last entry", async () => {
    const last = await d.wh.value<number>("SELECT max(seq) FROM meta.audit_log");
    await d.wh.run(`DELETE FROM meta.audit_log WHERE seq = ${last}`);
    const newLast = await d.wh.one<{ seq: number; hash: string }>("SELECT seq, hash FROM meta.audit_log ORDER BY seq DESC LIMIT 1");
    // an attacker without the key can copy seq and hash, but not make the head's MAC
    writeFileSync(headFile(d.wh)!, JSON.stringify({ seq: newLast!.seq, hash: newLast!.hash, mac: "0".repeat(64) }));
    const r = await verifyAudit(d.wh);
    expect(r.ok).toBe(false);
    expect(r.problems.join("\n")).toMatch(/is forged or was written without the key: its MAC does not match/);
  });

  it("fails when an entry is edited and the chain recomputed with plain SHA-256 (no key)", async () => {
    const rows = await d.wh.all<{ seq: number; at: string; actor: string; action: string; subject: string; detail: string }>(
      "SELECT seq, strftime(logged_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS at, actor, action, subject, detail::VARCHAR AS detail FROM meta.audit_log ORDER BY seq",
    );
    const target = rows.find((r) => r.action === "publish")!;
    let prev = GENESIS;
    for (const r of rows) {
      const detail = r.seq === target.seq ? { ...JSON.parse(r.detail), agents: 999 } : JSON.parse(r.detail);
      const hash = entryHash(prev, { seq: r.seq, at: r.at, actor: r.actor, action: r.action, subject: r.subject, detail });
      // both ways an attacker might label the rewritten entries: as keyed, or honestly as unkeyed
      await d.wh.run("UPDATE meta.audit_log SET detail = $d::JSON, prev_hash = $p, hash = $h, mac = $m WHERE seq = $s", {
        d: JSON.stringify(detail),
        p: prev,
        h: hash,
        m: r.seq % 2 ? "hmac-sha256" : "sha256",
        s: r.seq,
      });
      prev = hash;
    }
    const last = rows.at(-1)!;
    writeFileSync(headFile(d.wh)!, JSON.stringify({ seq: last.seq, hash: prev, mac: null }));
    const r = await verifyAudit(d.wh);
    expect(r.ok).toBe(false);
    expect(r.problems.some((p) => /was edited: its content no longer matches its hash/.test(p))).toBe(true);
    expect(r.problems.some((p) => /is not keyed although entry \d+ before it is: it was rewritten without the key/.test(p))).toBe(true);
    // the manifest's recorded head no longer matches the rewritten log
    expect(r.problems.some((p) => /the manifest of 2026-01 revision 1 names entry \d+ with another hash/.test(p))).toBe(true);
  });

  it("fails when a published copy names an entry the log no longer holds, and when it carries no head", async () => {
    const root = path.join(d.dir, "published");
    const snap = await publishSnapshot(d.wh, { root, audience: "staff", scheme: "golden", language: "en" });
    expect(snap.manifest.audit_head).toEqual(await currentHead(d.wh));
    expect((await verifyAudit(d.wh, [anchorFromDir(snap.dir)])).ok).toBe(true);
    // the log is cut back to before the snapshot, head file and all (an attacker's consistent-looking log)
    const seq = snap.manifest.audit_head!.seq;
    await d.wh.run(`DELETE FROM meta.audit_log WHERE seq >= ${seq}`);
    rmSync(headFile(d.wh)!);
    const r = await verifyAudit(d.wh, [anchorFromDir(snap.dir)]);
    expect(r.ok).toBe(false);
    expect(r.problems.join("\n")).toContain(`entries after ${seq - 1} up to ${seq} are missing (the newest entries were deleted): the published copy ${snap.dir} names entry ${seq}`);
    const bare = path.join(d.dir, "bare-site");
    mkdirSync(bare, { recursive: true });
    writeFileSync(path.join(bare, "manifest.json"), "{}");
    expect((await verifyAudit(d.wh, [anchorFromDir(bare)])).problems.join("\n")).toMatch(/carries no audit head: it cannot prove which log it came from/);
  });

  it("without a key, writes unkeyed entries (marked so) and refuses to call the log proven, saying what to do", async () => {
    delete process.env.APPRAISAL_AUDIT_KEY;
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => {
      stderr.push(String(s));
      return true;
    }) as typeof process.stderr.write;
    try {
      await d.wh.transaction(() => appendAudit(d.wh, { action: "test", subject: "no key", detail: {} }));
    } finally {
      process.stderr.write = write;
    }
    expect(await d.wh.value("SELECT mac FROM meta.audit_log ORDER BY seq DESC LIMIT 1")).toBe("sha256");
    const r = await verifyAudit(d.wh);
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatch(/^cannot prove the log: APPRAISAL_AUDIT_KEY is not set: .*openssl rand -hex 32/);
    // with the key back, the unkeyed entry after keyed ones is named
    process.env.APPRAISAL_AUDIT_KEY = key;
    expect((await verifyAudit(d.wh)).problems.join("\n")).toMatch(/\(test no key\) is not keyed although entry 1 before it is/);
    expect(existsSync(headFile(d.wh)!)).toBe(true);
  });

  it("refuses a key too short to be a secret", () => {
    process.env.APPRAISAL_AUDIT_KEY = "short";
    expect(() => auditKey()).toThrow(/holds a key of 5 characters; use at least 16 random characters/);
  });
});
