/**
 * The audit log: every ingest, run, publication, appeal, decision and reopening is an entry in an append-only
 * table; each entry carries the hash of the one before it, so that an edited or deleted entry breaks the chain and
 * `appraisal audit verify` names it. The head (last sequence number and hash) is also written to a file beside the
 * warehouse, so that deleting the newest entries is caught too.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Warehouse } from "../db/warehouse.ts";

export const GENESIS = "0".repeat(64);

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  detail: unknown;
}

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v ?? null);
}

export function entryHash(prev: string, e: AuditEntry): string {
  return createHash("sha256")
    .update(`${prev}\n${e.seq}\n${e.at}\n${e.actor}\n${e.action}\n${e.subject}\n${stable(e.detail)}`)
    .digest("hex");
}

export const headFile = (wh: Warehouse) => (wh.file === ":memory:" ? null : `${wh.file}.audit-head.json`);

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
  const hash = entryHash(prev, entry);
  await wh.run("INSERT INTO meta.audit_log VALUES ($seq, $at::TIMESTAMPTZ, $actor, $action, $subject, $detail::JSON, $prev, $hash)", {
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    detail: stable(entry.detail),
    prev,
    hash,
  });
  const head = headFile(wh);
  // the head moves only when the entry has landed: a rolled-back act leaves no trace in the log or the head
  if (head) wh.onCommit(() => writeFileSync(head, `${JSON.stringify({ seq: entry.seq, hash })}\n`));
  return { ...entry, hash };
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  problems: string[];
}

/** Recompute the chain; name every entry that was edited, and every gap where entries were deleted. */
export async function verifyAudit(wh: Warehouse): Promise<VerifyResult> {
  const rows = await wh.all<{ seq: number; at: string; actor: string; action: string; subject: string; detail: string; prev_hash: string; hash: string }>(
    "SELECT seq, strftime(logged_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS at, actor, action, subject, detail::VARCHAR AS detail, prev_hash, hash FROM meta.audit_log ORDER BY seq",
  );
  const problems: string[] = [];
  let prev = GENESIS;
  let expectedSeq = 1;
  for (const r of rows) {
    if (r.seq !== expectedSeq) problems.push(`entries ${expectedSeq} to ${r.seq - 1} are missing (deleted before entry ${r.seq})`);
    if (r.prev_hash !== prev) problems.push(`entry ${r.seq} (${r.action} ${r.subject}) does not follow the entry before it: a preceding entry was deleted or changed`);
    const recomputed = entryHash(r.prev_hash, { seq: r.seq, at: r.at, actor: r.actor, action: r.action, subject: r.subject, detail: JSON.parse(r.detail) });
    if (recomputed !== r.hash) problems.push(`entry ${r.seq} (${r.action} ${r.subject}) was edited: its content no longer matches its hash`);
    prev = r.hash;
    expectedSeq = r.seq + 1;
  }
  const head = headFile(wh);
  if (head && existsSync(head)) {
    const h = JSON.parse(readFileSync(head, "utf8")) as { seq: number; hash: string };
    const last = rows.at(-1);
    if (!last || last.seq < h.seq) problems.push(`entries after ${last?.seq ?? 0} up to ${h.seq} are missing (the newest entries were deleted)`);
    else if (last.seq === h.seq && last.hash !== h.hash) problems.push(`entry ${h.seq} is not the entry the log ended with`);
  }
  return { ok: problems.length === 0, entries: rows.length, problems };
}
