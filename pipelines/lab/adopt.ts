/**
 * `appraisal adopt --draft draft.yaml --reason "..."`: write a draft as a new version of its scheme, with its effective
 * date, into the scheme's YAML file (comments and the rest of the file kept), and record who adopted it and why in the
 * audit log. Refused when the effective date would re-score a final period (a period of the scheme that starts on or
 * after the date and is final): final is final; reopen the period first, or choose a later date. Periods published as
 * provisional that the date would re-score are named, since they will need publishing again.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import YAML from "yaml";
import { appendAudit, currentActor } from "../../core/audit.ts";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { parseScheme } from "../scheme/load.ts";
import type { SchemeVersion } from "../scheme/schema.ts";
import { DraftError, type LoadedDraft } from "./draft.ts";

export interface AdoptOptions {
  draft: LoadedDraft;
  reason: string;
  actor?: string;
  at?: Date;
}

export interface AdoptResult {
  scheme: string;
  version: string;
  effectiveFrom: string;
  file: string;
  sha256: string;
  simulations: number[];
  /** provisional periods the new version will re-score */
  provisional: string[];
}

/** First day of a period label: 2026-09, 2026-Q3, 2026. */
export function periodStart(label: string): string {
  const q = /^(\d{4})-Q([1-4])$/.exec(label);
  if (q) return `${q[1]}-${String((Number(q[2]) - 1) * 3 + 1).padStart(2, "0")}-01`;
  if (/^\d{4}-\d{2}$/.test(label)) return `${label}-01`;
  if (/^\d{4}$/.test(label)) return `${label}-01-01`;
  throw new DraftError(`not a period: ${label}`);
}

/** The scheme file's text with `v` appended to its versions list, indented as the list's items are. */
export function appendVersion(text: string, v: SchemeVersion | Record<string, unknown>, file: string): string {
  const doc = YAML.parseDocument(text);
  const versions = doc.get("versions", true);
  if (!YAML.isSeq(versions) || !versions.items.length || !versions.range) throw new DraftError(`${file} has no versions: list to add to`);
  const first = versions.items[0] as YAML.Node;
  const itemStart = first.range?.[0] ?? versions.range[0];
  const lineStart = text.lastIndexOf("\n", itemStart - 1) + 1;
  const dash = text.slice(lineStart, itemStart).indexOf("-");
  const indent = " ".repeat(Math.max(0, dash));
  const block = YAML.stringify([JSON.parse(JSON.stringify(v))], { lineWidth: 0 })
    .trimEnd()
    .split("\n")
    .map((l) => indent + l)
    .join("\n");
  const at = versions.range[1];
  const before = text.slice(0, at).replace(/\s*$/, "");
  return `${before}\n\n${block}\n${text.slice(at).replace(/^\s*\n?/, "")}`;
}

export async function adopt(wh: Warehouse, o: AdoptOptions): Promise<AdoptResult> {
  const { draft } = o;
  const reason = o.reason.trim();
  if (!reason) throw new DraftError('adopting a scheme version needs a reason (--reason "..."); it is recorded in the audit log');
  const scheme = draft.inForce.scheme;
  const v = draft.version;
  if (scheme.versions.some((x) => x.version === v.version)) throw new DraftError(`${scheme.id} already has a version ${v.version}; give the draft a new version name`);
  const last = scheme.versions.at(-1)!;
  if (v.effective_from <= last.effective_from)
    throw new DraftError(`the draft takes effect on ${v.effective_from}, not after ${scheme.id} ${last.version} (from ${last.effective_from}); versions follow each other in time`);

  // final is final: a version must not change the scheme in force for a final period
  const states = await wh.all<{ period: string; state: string; since: string }>(
    "SELECT period, state, strftime(since, '%Y-%m-%d') AS since FROM meta.period_states WHERE scheme_id = $s ORDER BY period",
    { s: scheme.id },
  );
  const touched = states.filter((p) => periodStart(p.period) >= v.effective_from);
  const final = touched.filter((p) => p.state === "final");
  if (final.length)
    throw new DraftError(
      `the draft takes effect on ${v.effective_from}, which would re-score ${final.length === 1 ? "a final period" : "final periods"}: ${final
        .map((p) => `${p.period} (final since ${p.since})`)
        .join(", ")}; choose an effective date after ${final.map((p) => p.period).sort().at(-1)}, or reopen ${final.length === 1 ? "it" : "them"} first (appraisal reopen --period P --reason "...")`,
    );

  // the scheme's file, with the version appended to its versions: the text is added after the last version, so the
  // rest of the file (comments, anchors, layout) stays byte for byte
  const file = draft.inForce.file;
  // (a draft that extends a version is written as its changes: extends and only what changes)
  const updated = appendVersion(readFileSync(file, "utf8"), draft.changes ?? v, file);
  const check = parseScheme(updated, file);
  const sha256 = check.hashes[v.version];
  if (sha256 !== draft.versionSha256) throw new DraftError(`the version written to ${file} does not hash as the draft does (${sha256} vs ${draft.versionSha256}); nothing was changed`);
  for (const [name, h] of Object.entries(draft.inForce.hashes))
    if (check.hashes[name] !== h) throw new DraftError(`appending to ${file} would change version ${name}'s definition; nothing was changed`);

  const at = (o.at ?? new Date()).toISOString();
  const actor = o.actor ?? currentActor();
  const simulations = (
    await wh.all<{ sim_id: number }>("SELECT sim_id FROM meta.lab_simulations WHERE scheme_id = $s AND version_sha256 = $v ORDER BY sim_id", {
      s: scheme.id,
      v: draft.versionSha256,
    })
  ).map((r) => Number(r.sim_id));
  await wh.transaction(async () => {
    await wh.run("UPDATE meta.lab_simulations SET adopted_at = $at::TIMESTAMPTZ WHERE scheme_id = $s AND version_sha256 = $v", { at, s: scheme.id, v: draft.versionSha256 });
    await appendAudit(wh, {
      action: "adopt",
      subject: `${scheme.id} ${v.version}`,
      detail: {
        effective_from: v.effective_from,
        based_on: draft.basedOn,
        version_sha256: draft.versionSha256,
        draft_sha256: draft.sha256,
        reason,
        file,
        simulations,
        provisional_periods_rescored: touched.filter((p) => p.state === "provisional").map((p) => p.period),
      },
      actor,
      at,
    });
    // the file last, inside the transaction: a failed write rolls the audit entry back
    const tmp = `${file}.adopt-${process.pid}`;
    writeFileSync(tmp, updated);
    renameSync(tmp, file);
  });
  return {
    scheme: scheme.id,
    version: v.version,
    effectiveFrom: v.effective_from,
    file,
    sha256: draft.versionSha256,
    simulations,
    provisional: touched.filter((p) => p.state === "provisional").map((p) => p.period),
  };
}
