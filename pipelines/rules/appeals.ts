/**
 * Appeals (申诉): filed from the command line or imported from a CSV/JSON file, each checked (the agent exists and
 * was scored, the period is provisional, the window is open, the indicator belongs to the scheme, no duplicate);
 * decided with a reason; an accepted appeal carries its correction as data (meta.corrections), which the intermediate
 * models apply to the inputs at the next run. No score is ever typed in.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import type { z } from "zod";
import { appendAudit } from "../../core/audit.ts";
import { unreadableFile } from "../../core/file-access.ts";
import { formatZodError } from "../../core/messages.ts";
import { AppealInput, type Correction, Decision } from "./inputs.ts";
import { actor, finalMessage, now, periodState, RuleError, type RulesContext, today } from "./lifecycle.ts";

export interface Appeal {
  appeal_id: number;
  scheme_id: string;
  period: string;
  agent_id: string;
  indicator_id: string;
  reason: string;
  evidence: string | null;
  state: "filed" | "accepted" | "rejected";
  decision_reason: string | null;
}

export async function fileAppeal(ctx: RulesContext, input: AppealInput, defaultScheme: string, source = "cli"): Promise<Appeal> {
  const { wh } = ctx;
  const scheme = input.scheme ?? defaultScheme;
  const agent = await wh.one<{ agent_id: string }>("SELECT agent_id FROM stg.agents WHERE agent_id = $a", { a: input.agent });
  if (!agent) throw new RuleError(`no agent '${input.agent}' in the roster; check the id`);
  const state = await periodState(wh, scheme, input.period);
  if (state.state === "final") throw new RuleError(`${input.period} is final: appeals are closed. ${finalMessage(state)}`);
  if (state.state === "open") throw new RuleError(`${input.period} of ${scheme} has not been published yet; appeals open when it is published as provisional`);
  if (state.appeal_deadline && today(ctx) > state.appeal_deadline)
    throw new RuleError(`the appeal window of ${input.period} closed on ${state.appeal_deadline}; appeals can no longer be filed`);
  const published = await wh.one<{ agent_id: string }>(
    "SELECT agent_id FROM meta.published_results WHERE scheme_id = $s AND period = $p AND revision = $r AND agent_id = $a",
    { s: scheme, p: input.period, r: state.revision, a: input.agent },
  );
  if (!published) throw new RuleError(`${input.agent} has no published result in ${input.period} of ${scheme}; there is nothing to appeal`);
  const indicator = await wh.one<{ indicator_id: string }>(
    `SELECT i.indicator_id FROM mart.scheme_periods sp JOIN scheme.indicators i USING (scheme_id, version)
     WHERE sp.scheme_id = $s AND sp.period = $p AND i.indicator_id = $i`,
    { s: scheme, p: input.period, i: input.indicator },
  );
  if (!indicator) {
    const ids = await wh.all<{ indicator_id: string }>(
      "SELECT i.indicator_id FROM mart.scheme_periods sp JOIN scheme.indicators i USING (scheme_id, version) WHERE sp.scheme_id = $s AND sp.period = $p ORDER BY i.ord",
      { s: scheme, p: input.period },
    );
    throw new RuleError(`'${input.indicator}' is not an indicator of ${scheme} in ${input.period}; the indicators are ${ids.map((x) => x.indicator_id).join(", ")}`);
  }
  const dup = await wh.one<{ appeal_id: number; state: string; filed_at: Date }>(
    "SELECT appeal_id, state, filed_at FROM meta.appeals WHERE scheme_id = $s AND period = $p AND agent_id = $a AND indicator_id = $i AND state <> 'rejected'",
    { s: scheme, p: input.period, a: input.agent, i: input.indicator },
  );
  if (dup)
    throw new RuleError(
      `${input.agent} already appealed ${input.indicator} in ${input.period} (appeal #${dup.appeal_id}, ${dup.state}, filed ${dup.filed_at.toISOString().slice(0, 10)}); add to that appeal instead of filing another`,
    );
  return wh.transaction(async () => {
    const id = Number(await wh.value("SELECT nextval('meta.appeal_seq')"));
    const at = now(ctx).toISOString();
    await wh.run(
      "INSERT INTO meta.appeals VALUES ($id, $s, $p, $a, $i, $reason, $ev, $at::TIMESTAMPTZ, $by, 'filed', NULL, NULL, NULL)",
      { id, s: scheme, p: input.period, a: input.agent, i: input.indicator, reason: input.reason, ev: input.evidence ?? null, at, by: actor(ctx) },
    );
    await appendAudit(wh, {
      action: "appeal.file",
      subject: `appeal #${id}`,
      detail: { scheme, period: input.period, agent: input.agent, indicator: input.indicator, reason: input.reason, evidence: input.evidence ?? null, source },
      actor: actor(ctx),
      at,
    });
    return (await getAppeal(ctx, id))!;
  });
}

export async function getAppeal(ctx: RulesContext, id: number): Promise<Appeal | undefined> {
  return ctx.wh.one<Appeal>(
    "SELECT appeal_id, scheme_id, period, agent_id, indicator_id, reason, evidence, state, decision_reason FROM meta.appeals WHERE appeal_id = $id",
    { id },
  );
}

export interface ImportResult {
  filed: Appeal[];
  refused: string[];
}

/** Import appeals from a CSV (header: agent, period, indicator, reason, evidence[, scheme]) or JSON array file. */
export async function importAppeals(ctx: RulesContext, file: string, defaultScheme: string): Promise<ImportResult> {
  const unreadable = unreadableFile(file);
  if (unreadable) throw new RuleError(unreadable);
  const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  let records: unknown[];
  if (file.endsWith(".json")) {
    try {
      const doc = JSON.parse(text);
      records = Array.isArray(doc) ? doc : (doc.appeals ?? []);
    } catch (e) {
      throw new RuleError(`${file} is not valid JSON: ${(e as Error).message}`);
    }
  } else {
    records = parseCsv(text, { columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()), skip_empty_lines: true, trim: true });
  }
  const result: ImportResult = { filed: [], refused: [] };
  const name = path.basename(file);
  for (const [i, rec] of records.entries()) {
    const where = `${name} record ${i + 1}`;
    const parsed = AppealInput.safeParse(rec);
    if (!parsed.success) {
      result.refused.push(formatZodError(where, parsed.error).replace(/\n\s+/g, " "));
      continue;
    }
    try {
      result.filed.push(await fileAppeal(ctx, parsed.data, defaultScheme, `import ${name}`));
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      result.refused.push(`${where}: ${e.message}`);
    }
  }
  return result;
}

/** Check a correction against the data: it must name a real input credited to the appellant. */
async function checkCorrection(ctx: RulesContext, appeal: Appeal, c: Correction): Promise<void> {
  const { wh } = ctx;
  const agentExists = async (id: string) => Boolean(await wh.one("SELECT 1 FROM stg.agents WHERE agent_id = $a", { a: id }));
  if (c.kind === "exclude_ticket" || c.kind === "reattribute_ticket") {
    const t = await wh.one<{ credited: boolean }>(
      `SELECT $a IN (resolver_id, responder_id, complaint_agent_id, assignee_id) AS credited FROM int.tickets_credited WHERE ticket_id = $t`,
      { a: appeal.agent_id, t: c.ticket },
    );
    if (!t) throw new RuleError(`ticket '${c.ticket}' is not in the warehouse`);
    if (!t.credited) throw new RuleError(`ticket '${c.ticket}' is not credited to ${appeal.agent_id}; an appeal corrects the appellant's own inputs`);
  }
  if (c.kind === "reattribute_ticket" || c.kind === "reattribute_csat") {
    if (c.to_agent === appeal.agent_id) throw new RuleError("reattributing to the appellant changes nothing; name the agent it belongs to");
    if (!(await agentExists(c.to_agent))) throw new RuleError(`no agent '${c.to_agent}' in the roster to reattribute to`);
  }
  if (c.kind === "reattribute_csat") {
    const r = await wh.one<{ agent_id: string }>("SELECT agent_id FROM int.csat_credited WHERE response_id = $r", { r: c.response });
    if (!r) throw new RuleError(`CSAT response '${c.response}' is not in the warehouse`);
    if (r.agent_id !== appeal.agent_id) throw new RuleError(`CSAT response '${c.response}' is credited to ${r.agent_id}, not ${appeal.agent_id}`);
  }
  if (c.kind === "correct_audit_score") {
    const a = await wh.one<{ agent_id: string }>("SELECT agent_id FROM int.quality_audits_corrected WHERE audit_id = $x", { x: c.audit });
    if (!a) throw new RuleError(`quality audit '${c.audit}' is not in the warehouse`);
    if (a.agent_id !== appeal.agent_id) throw new RuleError(`quality audit '${c.audit}' is credited to ${a.agent_id}, not ${appeal.agent_id}`);
  }
}

export async function decideAppeal(ctx: RulesContext, raw: z.input<typeof Decision>): Promise<Appeal> {
  const parsed = Decision.safeParse(raw);
  if (!parsed.success) throw new RuleError(formatZodError("the decision", parsed.error));
  const d = parsed.data;
  const { wh } = ctx;
  const appeal = await getAppeal(ctx, d.appeal);
  if (!appeal) throw new RuleError(`there is no appeal #${d.appeal}; 'appraisal appeal list' shows them`);
  if (appeal.state !== "filed") throw new RuleError(`appeal #${d.appeal} was already ${appeal.state}`);
  const state = await periodState(wh, appeal.scheme_id, appeal.period);
  if (state.state === "final") throw new RuleError(finalMessage(state));
  if (d.correction) await checkCorrection(ctx, appeal, d.correction);
  return wh.transaction(async () => {
    const at = now(ctx).toISOString();
    await wh.run(
      "UPDATE meta.appeals SET state = $st, decided_at = $at::TIMESTAMPTZ, decided_by = $by, decision_reason = $r WHERE appeal_id = $id",
      { st: d.accept ? "accepted" : "rejected", at, by: actor(ctx), r: d.reason, id: d.appeal },
    );
    let correctionId: number | null = null;
    if (d.correction) {
      const c = d.correction;
      correctionId = Number(await wh.value("SELECT nextval('meta.correction_seq')"));
      await wh.run("INSERT INTO meta.corrections VALUES ($id, $appeal, $kind, $agent, $ticket, $response, $audit, $to, $score, $at::TIMESTAMPTZ)", {
        id: correctionId,
        appeal: d.appeal,
        kind: c.kind,
        agent: appeal.agent_id,
        ticket: "ticket" in c ? c.ticket : null,
        response: "response" in c ? c.response : null,
        audit: "audit" in c ? c.audit : null,
        to: "to_agent" in c ? c.to_agent : null,
        score: "score" in c ? c.score : null,
        at,
      });
    }
    await appendAudit(wh, {
      action: "appeal.decide",
      subject: `appeal #${d.appeal}`,
      detail: { decision: d.accept ? "accepted" : "rejected", reason: d.reason, correction: d.correction ?? null, correction_id: correctionId },
      actor: actor(ctx),
      at,
    });
    return (await getAppeal(ctx, d.appeal))!;
  });
}

export async function listAppeals(ctx: RulesContext, filter: { scheme?: string; period?: string } = {}): Promise<Appeal[]> {
  return ctx.wh.all<Appeal>(
    `SELECT appeal_id, scheme_id, period, agent_id, indicator_id, reason, evidence, state, decision_reason FROM meta.appeals
     WHERE ($s IS NULL OR scheme_id = $s) AND ($p IS NULL OR period = $p) ORDER BY appeal_id`,
    { s: filter.scheme ?? null, p: filter.period ?? null },
  );
}
