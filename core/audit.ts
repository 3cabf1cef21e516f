/**
 * The audit log: every ingest, run, publication, appeal, decision and reopening is an entry in an append-only
 * table; each entry carries the hash of the one before it, so that an edited or deleted entry breaks the chain and
 * `appraisal audit verify` names it.
 *
 * Keyed, and anchored outside the warehouse (issue 10 item 5):
 * - Each entry's hash is an HMAC-SHA256 under a key read from the environment variable the config names
 *   (`audit.key_env`, default APPRAISAL_AUDIT_KEY). The key is never written anywhere: someone who can edit the
 *   warehouse but has not the key cannot recompute the chain after changing an entry. Without a key, entries are
 *   chained with plain SHA-256 (marked so), every writing command says so once, and `audit verify` fails with what to
 *   do: an unkeyed chain proves nothing against someone who can write the warehouse.
 * - The head (last sequence number and hash, with its own MAC) is written to `<warehouse>.audit-head.json` after each
 *   commit, carried in every period manifest and every published snapshot and site build (manifest.json). A missing
 *   or forged head file is a failure, and any published copy names the entry the log must still hold.
 */
import { createHash, createHmac } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Warehouse } from "./db/warehouse.ts";
import { canonicalJson } from "./hash.ts";

export const GENESIS = "0".repeat(64);
export const DEFAULT_KEY_ENV = "APPRAISAL_AUDIT_KEY";
/** The shortest key accepted (characters): a short key can be guessed. */
export const MIN_KEY_CHARS = 16;

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  detail: unknown;
}

export type MacKind = "hmac-sha256" | "sha256";

let keyEnv = DEFAULT_KEY_ENV;
let warned = false;

/** The environment variable that holds the key (config `audit.key_env`). */
export function setAuditKeyEnv(name: string): void {
  keyEnv = name;
}
export const auditKeyEnv = () => keyEnv;

export class AuditKeyError extends Error {}

/** The key, or null when the variable is unset; a key that is too short is an error (it would give a false promise). */
export function auditKey(): Buffer | null {
  const v = process.env[keyEnv];
  if (v === undefined || v === "") return null;
  if (v.length < MIN_KEY_CHARS)
    throw new AuditKeyError(
      `${keyEnv} holds a key of ${v.length} characters; use at least ${MIN_KEY_CHARS} random characters (for example: openssl rand -hex 32)`,
    );
  return Buffer.from(v, "utf8");
}

export const noKeyMessage = () =>
  `${keyEnv} is not set: the audit log is chained with plain SHA-256, which anyone who can write the warehouse can recompute after editing an entry. Set ${keyEnv} to a secret of at least ${MIN_KEY_CHARS} random characters (openssl rand -hex 32), kept outside the warehouse, for every command that writes (config audit.key_env names another variable)`;

const entryText = (prev: string, e: AuditEntry) => `${prev}\n${e.seq}\n${e.at}\n${e.actor}\n${e.action}\n${e.subject}\n${canonicalJson(e.detail)}`;

/** The hash of an entry: HMAC-SHA256 under `key`, or plain SHA-256 without one. */
export function entryHash(prev: string, e: AuditEntry, key: Buffer | null = null): string {
  return key ? createHmac("sha256", key).update(entryText(prev, e)).digest("hex") : createHash("sha256").update(entryText(prev, e)).digest("hex");
}

/** The head of the log: the newest entry's number and hash, with a MAC over both (null without a key). */
export interface AuditHead {
  seq: number;
  hash: string;
  mac: string | null;
}

export const headMac = (key: Buffer | null, seq: number, hash: string) => (key ? createHmac("sha256", key).update(`head\n${seq}\n${hash}`).digest("hex") : null);

export const headFile = (wh: Warehouse) => (wh.file === ":memory:" ? null : `${wh.file}.audit-head.json`);

/** The head as the warehouse holds it now (for a manifest or a snapshot). */
export async function currentHead(wh: Warehouse): Promise<AuditHead> {
  const last = await wh.one<{ seq: number; hash: string }>("SELECT seq, hash FROM meta.audit_log ORDER BY seq DESC LIMIT 1");
  const seq = Number(last?.seq ?? 0);
  const hash = last?.hash ?? GENESIS;
  return { seq, hash, mac: headMac(auditKey(), seq, hash) };
}

/** The acting user: APPRAISAL_ACTOR, else the OS user. */
export function currentActor(): string {
  return process.env.APPRAISAL_ACTOR ?? process.env.USER ?? process.env.USERNAME ?? "unknown";
}

/**
 * Append an entry. Call it inside the transaction of the act it records, so that the act and its entry land together.
 * `at` is an ISO timestamp (tests pass a fixed one).
 */
export async function appendAudit(
  wh: Warehouse,
  e: { action: string; subject: string; detail: unknown; actor?: string; at?: string },
): Promise<AuditEntry & { hash: string }> {
  const key = auditKey();
  if (!key && !warned) {
    warned = true;
    process.stderr.write(`warning: ${noKeyMessage()}\n`);
  }
  const last = await wh.one<{ seq: number; hash: string }>("SELECT seq, hash FROM meta.audit_log ORDER BY seq DESC LIMIT 1");
  const entry: AuditEntry = {
    seq: (last?.seq ?? 0) + 1,
    at: new Date(e.at ?? Date.now()).toISOString(),
    actor: e.actor ?? currentActor(),
    action: e.action,
    subject: e.subject,
    detail: e.detail ?? {},
  };
  const prev = last?.hash ?? GENESIS;
  const hash = entryHash(prev, entry, key);
  await wh.run(
    "INSERT INTO meta.audit_log (seq, logged_at, actor, action, subject, detail, prev_hash, hash, mac) VALUES ($seq, $at::TIMESTAMPTZ, $actor, $action, $subject, $detail::JSON, $prev, $hash, $mac)",
    {
      seq: entry.seq,
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      detail: canonicalJson(entry.detail),
      prev,
      hash,
      mac: key ? "hmac-sha256" : "sha256",
    },
  );
  const head = headFile(wh);
  // the head moves only when the entry has landed: a rolled-back act leaves no trace in the log or the head
  if (head) wh.onCommit(() => writeFileSync(head, `${JSON.stringify({ seq: entry.seq, hash, mac: headMac(key, entry.seq, hash) } satisfies AuditHead)}\n`));
  return { ...entry, hash };
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  /** entries whose hash is an HMAC under the key */
  keyed: number;
  problems: string[];
  /** what is worth saying but is not a failure (unkeyed entries from before the key was set) */
  notes: string[];
  /** published heads checked: where each came from */
  anchors: string[];
}

/** A head recorded somewhere outside the log (a manifest, a published snapshot, a site build), to check against it. */
export interface Anchor {
  where: string;
  head: Partial<AuditHead> | null;
}

/**
 * Recompute the chain; name every entry that was edited, every gap where entries were deleted, a missing or forged
 * head, and every published head (`anchors`, and the heads in the period manifests) the log no longer holds.
 */
export async function verifyAudit(wh: Warehouse, anchors: Anchor[] = []): Promise<VerifyResult> {
  const rows = await wh.all<{ seq: number; at: string; actor: string; action: string; subject: string; detail: string; prev_hash: string; hash: string; mac: string | null }>(
    "SELECT seq, strftime(logged_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS at, actor, action, subject, detail::VARCHAR AS detail, prev_hash, hash, mac FROM meta.audit_log ORDER BY seq",
  );
  const problems: string[] = [];
  const notes: string[] = [];
  let key: Buffer | null;
  try {
    key = auditKey();
  } catch (e) {
    return { ok: false, entries: rows.length, keyed: 0, problems: [(e as Error).message], notes, anchors: [] };
  }
  if (!key) problems.push(`cannot prove the log: ${noKeyMessage()}`);
  let prev = GENESIS;
  let expectedSeq = 1;
  let keyed = 0;
  let firstKeyed: number | null = null;
  const bySeq = new Map<number, string>();
  for (const r of rows) {
    if (r.seq !== expectedSeq) problems.push(`entries ${expectedSeq} to ${r.seq - 1} are missing (deleted before entry ${r.seq})`);
    if (r.prev_hash !== prev) problems.push(`entry ${r.seq} (${r.action} ${r.subject}) does not follow the entry before it: a preceding entry was deleted or changed`);
    const entry = { seq: r.seq, at: r.at, actor: r.actor, action: r.action, subject: r.subject, detail: JSON.parse(r.detail) };
    if (r.mac === "hmac-sha256") {
      keyed++;
      firstKeyed ??= r.seq;
      if (key && entryHash(r.prev_hash, entry, key) !== r.hash)
        problems.push(`entry ${r.seq} (${r.action} ${r.subject}) was edited: its content no longer matches its hash`);
    } else {
      if (firstKeyed !== null)
        problems.push(`entry ${r.seq} (${r.action} ${r.subject}) is not keyed although entry ${firstKeyed} before it is: it was rewritten without the key`);
      if (entryHash(r.prev_hash, entry) !== r.hash) problems.push(`entry ${r.seq} (${r.action} ${r.subject}) was edited: its content no longer matches its hash`);
    }
    bySeq.set(r.seq, r.hash);
    prev = r.hash;
    expectedSeq = r.seq + 1;
  }
  const unkeyedBefore = firstKeyed === null ? rows.length : rows.filter((r) => r.seq < firstKeyed!).length;
  if (key && unkeyedBefore > 0)
    notes.push(
      firstKeyed === null
        ? `no entry is keyed yet: the ${rows.length} entries were written without ${keyEnv}`
        : `entries 1 to ${firstKeyed - 1} were written before ${keyEnv} was set: their chain is unkeyed`,
    );

  const last = rows.at(-1);
  const head = headFile(wh);
  if (head) {
    if (!existsSync(head)) {
      if (rows.length) problems.push(`the head file ${head} is missing: the newest entries may have been deleted with it (a log cannot prove it is whole without its head)`);
    } else {
      let h: Partial<AuditHead> | null = null;
      try {
        h = JSON.parse(readFileSync(head, "utf8")) as Partial<AuditHead>;
      } catch {
        problems.push(`the head file ${head} is not readable JSON`);
      }
      if (h) {
        if (key && h.mac !== headMac(key, Number(h.seq), String(h.hash)))
          problems.push(`the head file ${head} is forged or was written without the key: its MAC does not match`);
        problems.push(...checkHead(`the head file ${head}`, h, bySeq, last));
      }
    }
  }
  // the heads the period manifests carry (each written at its publication)
  const manifestHeads = await wh.all<{ period: string; revision: number; head: string | null }>(
    "SELECT period, revision, (manifest->'audit_head')::VARCHAR AS head FROM meta.manifests ORDER BY period, revision",
  );
  const checked: string[] = [];
  for (const m of manifestHeads) {
    if (!m.head || m.head === "null") continue;
    problems.push(...checkHead(`the manifest of ${m.period} revision ${m.revision}`, JSON.parse(m.head) as Partial<AuditHead>, bySeq, undefined));
    checked.push(`manifest ${m.period} r${m.revision}`);
  }
  for (const a of anchors) {
    checked.push(a.where);
    if (!a.head || a.head.seq === undefined || !a.head.hash) {
      problems.push(`${a.where} carries no audit head: it cannot prove which log it came from (publish and build it again)`);
      continue;
    }
    if (key && a.head.mac !== undefined && a.head.mac !== null && a.head.mac !== headMac(key, Number(a.head.seq), a.head.hash))
      problems.push(`${a.where}: its audit head's MAC does not match the key`);
    problems.push(...checkHead(a.where, a.head, bySeq, undefined));
  }
  return { ok: problems.length === 0, entries: rows.length, keyed, problems, notes, anchors: checked };
}

/** A recorded head must name an entry the log still holds, with the same hash; the head file must be the last one. */
function checkHead(where: string, h: Partial<AuditHead>, bySeq: Map<number, string>, last: { seq: number; hash: string } | undefined): string[] {
  const seq = Number(h.seq);
  if (!Number.isInteger(seq) || typeof h.hash !== "string") return [`${where} does not name an entry`];
  if (seq === 0) return [];
  const hash = bySeq.get(seq);
  if (hash === undefined) {
    const lastSeq = Math.max(0, ...bySeq.keys());
    return [
      seq > lastSeq
        ? `entries after ${lastSeq} up to ${seq} are missing (the newest entries were deleted)${last ? "" : `: ${where} names entry ${seq}`}`
        : `${where} names entry ${seq}, which the log no longer holds (it was deleted)`,
    ];
  }
  if (hash !== h.hash) return [`${where} names entry ${seq} with another hash: the log was rewritten from there or before`];
  if (last && last.seq > seq) return [`${where} names entry ${seq}, but the log goes on to ${last.seq}: entries were added without moving the head (or a command was killed just after writing its entry)`];
  return [];
}

/**
 * The audit head a published snapshot (its manifest.json) or a built site (dist/_file/data/manifest.<hash>.json)
 * carries. A folder with neither is reported as such.
 */
export function anchorFromDir(dir: string): Anchor {
  const where = `the published copy ${dir}`;
  const candidates = [path.join(dir, "manifest.json")];
  const data = path.join(dir, "_file", "data");
  if (existsSync(data)) for (const f of readdirSync(data)) if (/^manifest\.[0-9a-f]+\.json$/.test(f)) candidates.push(path.join(data, f));
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    try {
      const m = JSON.parse(readFileSync(file, "utf8")) as { audit_head?: Partial<AuditHead> };
      return { where, head: m.audit_head ?? null };
    } catch {
      return { where, head: null };
    }
  }
  return { where: `${where} (no manifest.json found)`, head: null };
}
