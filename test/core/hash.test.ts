/**
 * One canonical JSON (core/hash.ts) replaced three: the audit log's, the scheme's and the manifest's. They differed
 * only where a value is `undefined`. These tests pin that every hash already stored stays valid: the shipped and
 * test schemes hash as before, a manifest-shaped value as before, and an audit chain written by the old code
 * (an undefined member stored as null) still verifies, also after new entries are appended to it.
 */
import { createHash, createHmac } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { appendAudit, auditKey, GENESIS, verifyAudit } from "../../core/audit.ts";
import { canonicalHash, canonicalJson } from "../../core/hash.ts";
import { loadSchemes } from "../../pipelines/scheme/load.ts";
import { withWarehouse } from "../helpers/warehouse.ts";

// The three hashers as they were (pipelines/rules/audit.ts, pipelines/scheme/load.ts, pipelines/proof/manifest.ts).
function auditStable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(auditStable).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${auditStable((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v ?? null);
}
function schemeStable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(schemeStable).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${schemeStable((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}
function manifestCanonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(manifestCanonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${manifestCanonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v ?? null);
}
const sha = (text: string) => createHash("sha256").update(text).digest("hex");

const ROOT = path.join(import.meta.dirname, "..", "..");
const schemeDirs = [
  path.join(ROOT, "schemes"),
  ...["golden", "workload", "uncertainty"].map((f) => path.join(ROOT, "test", "fixtures", f, "scheme")),
].filter((d) => {
  try {
    return readdirSync(d).some((f) => f.endsWith(".yaml"));
  } catch {
    return false;
  }
});

describe("the canonical JSON", () => {
  it("sorts keys at every depth, leaves out undefined members, writes undefined in an array as null", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, undefined, null], c: "x" }, u: undefined })).toBe('{"a":{"c":"x","d":[3,null,null]},"b":1}');
    expect(canonicalJson(undefined)).toBe("null");
    expect(canonicalHash({ b: 1, a: 2 })).toBe(sha('{"a":2,"b":1}'));
  });

  it("agrees with all three old hashers wherever no member is undefined (all that JSON or YAML can hold)", () => {
    const values = [{ z: [1, "二", { y: true, x: null }], a: 1.5 }, [], {}, "text", 0, null, [{ b: [], a: {} }]];
    for (const v of values) {
      expect(canonicalJson(v)).toBe(auditStable(v));
      expect(canonicalJson(v)).toBe(schemeStable(v));
      expect(canonicalJson(v)).toBe(manifestCanonical(v));
    }
  });

  it("keeps every scheme version's hash: the shipped schemes and the test schemes hash as the old scheme hasher did", () => {
    expect(schemeDirs.length).toBeGreaterThan(1);
    let versions = 0;
    for (const dir of schemeDirs)
      for (const loaded of loadSchemes(dir))
        for (const v of loaded.scheme.versions) {
          expect(loaded.hashes[v.version], `${loaded.file} ${v.version}`).toBe(sha(schemeStable({ scheme: loaded.scheme.id, ...v })));
          versions++;
        }
    expect(versions).toBeGreaterThan(2);
  });

  it("keeps a manifest's hash (the manifest hasher's rule is the canonical rule)", () => {
    const manifest = { scheme: "s", version: "2026.1", period: "2026-Q3", audit_head: undefined, tables: { b: { rows: 2 }, a: { rows: 1 } } };
    expect(canonicalHash(manifest)).toBe(sha(manifestCanonical(manifest)));
  });
});

describe("an audit chain written before the one hasher", () => {
  it("still verifies, and verifies whole after new entries are appended to it", async () => {
    await withWarehouse(async (wh) => {
      const key = auditKey();
      expect(key).not.toBeNull();
      // two entries as the old appendAudit wrote them: a detail with undefined members, stored (and hashed) with null
      let prev = GENESIS;
      const details = [{ period: "2026-01", note: undefined, appeals: [1, undefined] }, { reason: undefined }];
      for (const [i, detail] of details.entries()) {
        const e = { seq: i + 1, at: `2026-02-0${i + 1}T09:00:00.000Z`, actor: "hr", action: "legacy", subject: `s${i + 1}`, detail };
        const text = `${prev}\n${e.seq}\n${e.at}\n${e.actor}\n${e.action}\n${e.subject}\n${auditStable(e.detail)}`;
        const hash = createHmac("sha256", key!).update(text).digest("hex");
        await wh.run(
          "INSERT INTO meta.audit_log (seq, logged_at, actor, action, subject, detail, prev_hash, hash, mac) VALUES ($seq, $at::TIMESTAMPTZ, $actor, $action, $subject, $detail::JSON, $prev, $hash, 'hmac-sha256')",
          { seq: e.seq, at: e.at, actor: e.actor, action: e.action, subject: e.subject, detail: auditStable(e.detail), prev, hash },
        );
        prev = hash;
      }
      expect(await wh.value<string>("SELECT detail::VARCHAR FROM meta.audit_log WHERE seq = 1")).toBe('{"appeals":[1,null],"note":null,"period":"2026-01"}');
      // the head file is written by appendAudit; the old entries alone are checked without one
      const before = await verifyAudit(wh);
      expect(before.problems.filter((p) => !p.includes("head file"))).toEqual([]);

      await appendAudit(wh, { action: "new", subject: "s3", detail: { kept: 1, dropped: undefined }, actor: "hr", at: "2026-02-03T09:00:00Z" });
      expect(await wh.value<string>("SELECT detail::VARCHAR FROM meta.audit_log WHERE seq = 3")).toBe('{"kept":1}');
      const after = await verifyAudit(wh);
      expect(after.problems).toEqual([]);
      expect(after.ok).toBe(true);
      expect(after.entries).toBe(3);
    });
  });
});
