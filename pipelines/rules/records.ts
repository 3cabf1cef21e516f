/**
 * The other recorded acts: two-way confirmation (双向确认) of a published result, the review committee's decision on
 * an agent the tracker flagged for review, and exclusions from the bottom-group rule (long leave and the like).
 * Each is checked, written with its audit entry in one transaction, and refused with a clear message otherwise.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import type { z } from "zod";
import { appendAudit } from "../../core/audit.ts";
import { unreadableFile } from "../../core/file-access.ts";
import { formatZodError } from "../../core/messages.ts";
import { AckInput, type CommitteeInput, type ExclusionInput } from "./inputs.ts";
import { actor, now, periodState, RuleError, type RulesContext } from "./lifecycle.ts";

export async function acknowledge(ctx: RulesContext, input: z.infer<typeof AckInput>, defaultScheme: string, source = "cli"): Promise<void> {
  const { wh } = ctx;
  const scheme = input.scheme ?? defaultScheme;
  const state = await periodState(wh, scheme, input.period);
  if (state.state === "open") throw new RuleError(`${input.period} of ${scheme} has not been published; there is no result to acknowledge yet`);
  const published = await wh.one("SELECT 1 FROM meta.published_results WHERE scheme_id = $s AND period = $p AND revision = $r AND agent_id = $a", {
    s: scheme,
    p: input.period,
    r: state.revision,
    a: input.agent,
  });
  if (!published) throw new RuleError(`${input.agent} has no published result in ${input.period} of ${scheme}`);
  const previous = await wh.one<{ acknowledged_at: Date; revision: number }>(
    "SELECT acknowledged_at, revision FROM meta.acknowledgements WHERE scheme_id = $s AND period = $p AND agent_id = $a",
    { s: scheme, p: input.period, a: input.agent },
  );
  if (previous && previous.revision === state.revision)
    throw new RuleError(`${input.agent} already acknowledged ${input.period} (revision ${state.revision}) on ${previous.acknowledged_at.toISOString().slice(0, 10)}`);
  await wh.transaction(async () => {
    const at = now(ctx).toISOString();
    await wh.run(
      `INSERT INTO meta.acknowledgements VALUES ($s, $p, $a, $at::TIMESTAMPTZ, $r, $note, $src)
       ON CONFLICT (scheme_id, period, agent_id) DO UPDATE SET acknowledged_at = excluded.acknowledged_at, revision = excluded.revision,
         note = excluded.note, source = excluded.source`,
      { s: scheme, p: input.period, a: input.agent, at, r: state.revision, note: input.note ?? null, src: source },
    );
    await appendAudit(wh, { action: "ack", subject: `${scheme} ${input.period} ${input.agent}`, detail: { revision: state.revision, note: input.note ?? null, source }, actor: actor(ctx), at });
  });
}

/** Import acknowledgements from a CSV (agent, period[, note, scheme]) or JSON file; each record on its own. */
export async function importAcknowledgements(ctx: RulesContext, file: string, defaultScheme: string): Promise<{ recorded: number; refused: string[] }> {
  const unreadable = unreadableFile(file);
  if (unreadable) throw new RuleError(unreadable);
  const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  const records: unknown[] = file.endsWith(".json")
    ? (JSON.parse(text) as unknown[])
    : parseCsv(text, { columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()), skip_empty_lines: true, trim: true });
  const refused: string[] = [];
  let recorded = 0;
  for (const [i, rec] of records.entries()) {
    const where = `${path.basename(file)} record ${i + 1}`;
    const p = AckInput.safeParse(rec);
    if (!p.success) {
      refused.push(formatZodError(where, p.error).replace(/\n\s+/g, " "));
      continue;
    }
    try {
      await acknowledge(ctx, p.data, defaultScheme, `import ${path.basename(file)}`);
      recorded++;
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      refused.push(`${where}: ${e.message}`);
    }
  }
  return { recorded, refused };
}

export async function recordCommitteeDecision(ctx: RulesContext, input: z.infer<typeof CommitteeInput>, defaultScheme: string): Promise<void> {
  const { wh } = ctx;
  const scheme = input.scheme ?? defaultScheme;
  const t = await wh.one<{ state: string }>("SELECT state FROM mart.bottom_tracker WHERE scheme_id = $s AND quarter = $p AND agent_id = $a", {
    s: scheme,
    p: input.period,
    a: input.agent,
  });
  if (!t) throw new RuleError(`the tracker has no entry for ${input.agent} in ${input.period} (a quarter of ${scheme})`);
  if (t.state !== "review") throw new RuleError(`${input.agent} is not flagged for review in ${input.period} (state: ${t.state}); the committee decides only on flagged agents`);
  const dup = await wh.one("SELECT 1 FROM meta.committee_decisions WHERE scheme_id = $s AND period = $p AND agent_id = $a", {
    s: scheme,
    p: input.period,
    a: input.agent,
  });
  if (dup) throw new RuleError(`the committee's decision on ${input.agent} for ${input.period} is already recorded`);
  await wh.transaction(async () => {
    const at = now(ctx).toISOString();
    await wh.run("INSERT INTO meta.committee_decisions VALUES ($s, $p, $a, $d, $m, $n, $at::TIMESTAMPTZ)", {
      s: scheme,
      p: input.period,
      a: input.agent,
      d: input.decision,
      m: input.members,
      n: input.note ?? null,
      at,
    });
    await appendAudit(wh, {
      action: "committee",
      subject: `${scheme} ${input.period} ${input.agent}`,
      detail: { decision: input.decision, members: input.members, note: input.note ?? null },
      actor: actor(ctx),
      at,
    });
  });
}

export async function recordExclusion(ctx: RulesContext, input: z.infer<typeof ExclusionInput>): Promise<void> {
  const { wh } = ctx;
  const agent = await wh.one("SELECT 1 FROM stg.agents WHERE agent_id = $a", { a: input.agent });
  if (!agent) throw new RuleError(`no agent '${input.agent}' in the roster`);
  await wh.transaction(async () => {
    const at = now(ctx).toISOString();
    await wh.run("INSERT INTO meta.tracker_exclusions VALUES ($a, $f::DATE, $t::DATE, $r, $at::TIMESTAMPTZ)", {
      a: input.agent,
      f: input.from,
      t: input.to,
      r: input.reason,
      at,
    });
    await appendAudit(wh, { action: "exclusion", subject: input.agent, detail: { from: input.from, to: input.to, reason: input.reason }, actor: actor(ctx), at });
  });
}
