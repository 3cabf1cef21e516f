/**
 * Commands for the department's rules: publish and reopen periods, appeals, acknowledgements, committee
 * decisions, exclusions, the tracker, and the audit log.
 */
import path from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { type Anchor, anchorFromDir, auditKeyEnv, verifyAudit } from "../../core/audit.ts";
import { workingDayOf } from "../../core/calendar/days.ts";
import type { AppConfig } from "../../core/config/app.ts";
import { formatZodError } from "../../core/messages.ts";
import { PeriodLabel } from "../../core/periods.ts";
import { publishedRoot } from "../publish/for-config.ts";
import { currentSnapshot } from "../publish/publish.ts";
import { AUDIENCES } from "../publish/tables.ts";
import { decideAppeal, fileAppeal, importAppeals, listAppeals } from "../rules/appeals.ts";
import { AckInput, AppealInput, CommitteeInput, ExclusionInput, parseCorrection } from "../rules/inputs.ts";
import { publish, RuleError, type RulesContext, reopen, today } from "../rules/lifecycle.ts";
import { acknowledge, importAcknowledgements, recordCommitteeDecision, recordExclusion } from "../rules/records.ts";
import { reviewDue, reviewOverdue } from "../rules/review.ts";
import type { RulesDeps } from "./deps.ts";
import { notifyIfConfigured } from "./loop-commands.ts";

/** Records an import refused, one line each on stderr; any makes the command exit 1 (the others were kept). */
function reportRefused(refused: string[]): void {
  for (const x of refused) process.stderr.write(`refused: ${x}\n`);
  if (refused.length) process.exitCode = 1;
}

export type { RulesDeps };

function parse<T extends z.ZodType>(schema: T, value: unknown, where: string, fail: RulesDeps["fail"]): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw fail(formatZodError(where, r.error));
  return r.data;
}

async function withRules<T>(deps: RulesDeps, cmd: Command, fn: (ctx: RulesContext, cfg: AppConfig) => Promise<T>, readOnly = false): Promise<T> {
  const cfg = deps.config(cmd);
  const work = async () => {
    const wh = await deps.open(cfg, readOnly);
    try {
      return await fn({ wh, timezone: cfg.timezone, holidays: cfg.holidays, workingDay: workingDayOf(cfg.business_hours, cfg.holidays), maxQuarantinedShare: cfg.publication_checks.max_quarantined_share }, cfg);
    } catch (e) {
      if (e instanceof RuleError) throw deps.fail(e.message);
      throw e;
    } finally {
      wh.close();
    }
  };
  return readOnly ? work() : deps.locked(cfg, cmd, cmd.name(), work);
}

const out = (s: string) => process.stdout.write(`${s}\n`);

export function addRulesCommands(program: Command, deps: RulesDeps): void {
  const SchemeOpt = z.object({ scheme: z.string().optional() });
  program
    .command("publish")
    .description("publish a period's results: --provisional (opens the appeal window) or --final (locks it)")
    .requiredOption("--period <period>", "2026-09, 2026-Q3 or 2026")
    .option("--scheme <id>", "scheme (default: the primary scheme)")
    .option("--provisional", "publish for objection, with the scheme's appeal window")
    .option("--final", "publish the final result; the period is then locked")
    .action(async (opts, cmd) => {
      const o = parse(
        SchemeOpt.extend({ period: PeriodLabel, provisional: z.boolean().optional(), final: z.boolean().optional() }).refine(
          (x) => Boolean(x.provisional) !== Boolean(x.final),
          { message: "give exactly one of --provisional and --final" },
        ),
        opts,
        "publish options",
        deps.fail,
      );
      await withRules(deps, cmd, async (ctx, cfg) => {
        const r = await publish(ctx, o.scheme ?? cfg.primary_scheme, o.period, o.final ? "final" : "provisional");
        out(
          `${r.scheme} ${r.period} published as ${r.state} (revision ${r.revision}, ${r.agents} agents, results sha256 ${r.resultsHash.slice(0, 12)}, manifest sha256 ${r.manifestHash.slice(0, 12)})${r.state === "provisional" ? `; appeals until ${r.appealDeadline}` : ""}; 'appraisal verify --period ${r.period}' checks it against the warehouse at any time`,
        );
        // tell people (notifications: in the config); a channel that fails is tried again by the next 'appraisal notify'
        await notifyIfConfigured(ctx.wh, cfg);
      });
    });

  program
    .command("reopen")
    .description("reopen a final period, with a reason recorded in the audit log")
    .requiredOption("--period <period>", "the final period")
    .requiredOption("--reason <text>", "why it is reopened")
    .option("--scheme <id>", "scheme (default: the primary scheme)")
    .action(async (opts, cmd) => {
      const o = parse(SchemeOpt.extend({ period: PeriodLabel, reason: z.string().trim().min(1, "a reason is required") }), opts, "reopen options", deps.fail);
      await withRules(deps, cmd, async (ctx, cfg) => {
        const s = await reopen(ctx, o.scheme ?? cfg.primary_scheme, o.period, o.reason);
        out(`${s.scheme_id} ${s.period} reopened: provisional again, appeals until ${s.appeal_deadline}`);
      });
    });

  const appeal = program.command("appeal").description("appeals (申诉): file, import, decide, list");
  appeal
    .command("file")
    .description("file an appeal against one indicator of a provisional period")
    .requiredOption("--agent <id>", "the appellant")
    .requiredOption("--period <period>", "the provisional period")
    .requiredOption("--indicator <id>", "the indicator appealed (an id from the methodology)")
    .requiredOption("--reason <text>", "why")
    .option("--evidence <ref>", "a reference to the evidence (ticket id, document, link)")
    .option("--scheme <id>", "scheme (default: the primary scheme)")
    .action(async (opts, cmd) => {
      const input = parse(AppealInput, opts, "appeal", deps.fail);
      await withRules(deps, cmd, async (ctx, cfg) => {
        const a = await fileAppeal(ctx, input, cfg.primary_scheme);
        out(`appeal #${a.appeal_id} filed: ${a.agent_id} ${a.period} ${a.indicator_id}`);
      });
    });
  appeal
    .command("import")
    .description("import appeals from a CSV (agent, period, indicator, reason, evidence) or JSON file; each record is checked on its own")
    .requiredOption("--file <path>", "the file")
    .action(async (opts, cmd) => {
      await withRules(deps, cmd, async (ctx, cfg) => {
        const r = await importAppeals(ctx, String(opts.file), cfg.primary_scheme);
        out(`${r.filed.length} appeal(s) filed${r.filed.length ? `: #${r.filed.map((a) => a.appeal_id).join(", #")}` : ""}`);
        reportRefused(r.refused);
      });
    });
  appeal
    .command("decide")
    .description("accept (with the correction, as data) or reject an appeal, with a reason")
    .requiredOption("--id <n>", "appeal number")
    .option("--accept", "accept")
    .option("--reject", "reject")
    .requiredOption("--reason <text>", "the reason for the decision")
    .option(
      "--correction <spec>",
      "for --accept: exclude_ticket:<ticket> | reattribute_ticket:<ticket>:<agent> | reattribute_csat:<response>:<agent> | correct_audit_score:<audit>:<0-100>",
    )
    .action(async (opts, cmd) => {
      if (Boolean(opts.accept) === Boolean(opts.reject)) throw deps.fail("give exactly one of --accept and --reject");
      await withRules(deps, cmd, async (ctx) => {
        const a = await decideAppeal(ctx, {
          appeal: opts.id,
          accept: Boolean(opts.accept),
          reason: opts.reason,
          correction: opts.correction ? (parseCorrection(String(opts.correction)) as never) : undefined,
        });
        out(`appeal #${a.appeal_id} ${a.state}${a.state === "accepted" ? "; run 'appraisal run' to re-score, then publish" : ""}`);
      });
    });
  appeal
    .command("list")
    .description("the appeals and their state")
    .option("--period <period>", "only this period")
    .option("--scheme <id>", "only this scheme")
    .action(async (opts, cmd) => {
      await withRules(
        deps,
        cmd,
        async (ctx) => {
          for (const a of await listAppeals(ctx, { scheme: opts.scheme, period: opts.period }))
            out(`#${a.appeal_id} ${a.period} ${a.agent_id} ${a.indicator_id} ${a.state}: ${a.reason}${a.decision_reason ? ` -> ${a.decision_reason}` : ""}`);
        },
        true,
      );
    });

  const ack = program.command("ack").description("two-way confirmation (双向确认): record or import acknowledgements");
  ack
    .command("record")
    .description("record that an agent acknowledged a published result")
    .requiredOption("--agent <id>", "agent")
    .requiredOption("--period <period>", "period")
    .option("--note <text>", "a note")
    .option("--scheme <id>", "scheme (default: the primary scheme)")
    .action(async (opts, cmd) => {
      const input = parse(AckInput, opts, "acknowledgement", deps.fail);
      await withRules(deps, cmd, async (ctx, cfg) => {
        await acknowledge(ctx, input, cfg.primary_scheme);
        out(`${input.agent} acknowledged ${input.period}`);
      });
    });
  ack
    .command("import")
    .description("import acknowledgements from a CSV (agent, period, note) or JSON file")
    .requiredOption("--file <path>", "the file")
    .action(async (opts, cmd) => {
      await withRules(deps, cmd, async (ctx, cfg) => {
        const r = await importAcknowledgements(ctx, String(opts.file), cfg.primary_scheme);
        out(`${r.recorded} acknowledgement(s) recorded`);
        reportRefused(r.refused);
      });
    });

  program
    .command("committee")
    .description("record the review committee's decision on an agent flagged for review (the system never decides)")
    .requiredOption("--agent <id>", "agent")
    .requiredOption("--period <quarter>", "the quarter of the review")
    .requiredOption("--decision <kind>", "retain | extend_coaching | reassign | separation")
    .requiredOption("--members <names>", "department manager, HR, direct supervisor")
    .option("--note <text>", "the committee's note")
    .option("--scheme <id>", "scheme (default: the primary scheme)")
    .action(async (opts, cmd) => {
      const input = parse(CommitteeInput, opts, "committee decision", deps.fail);
      await withRules(deps, cmd, async (ctx, cfg) => {
        await recordCommitteeDecision(ctx, input, cfg.primary_scheme);
        out(`recorded: ${input.decision} for ${input.agent} (${input.period}); it shows after the next run`);
      });
    });

  program
    .command("exclude")
    .description("exclude an agent from the bottom-group rule for a span (long leave and the like), with a reason")
    .requiredOption("--agent <id>", "agent")
    .requiredOption("--from <date>", "first day, YYYY-MM-DD")
    .requiredOption("--to <date>", "last day, YYYY-MM-DD")
    .requiredOption("--reason <text>", "why")
    .action(async (opts, cmd) => {
      const input = parse(ExclusionInput, opts, "exclusion", deps.fail);
      await withRules(deps, cmd, async (ctx) => {
        await recordExclusion(ctx, input);
        out(`recorded; the tracker applies it from the next run`);
      });
    });

  program
    .command("tracker")
    .description("the bottom-20% tracker for a quarter: who is on watch, warned or flagged for review, and why")
    .requiredOption("--period <quarter>", "a quarter, like 2026-Q3")
    .option("--scheme <id>", "scheme (default: the primary scheme)")
    .option("--all", "also agents in the normal state")
    .action(async (opts, cmd) => {
      const o = parse(SchemeOpt.extend({ period: PeriodLabel, all: z.boolean().optional() }), opts, "tracker options", deps.fail);
      await withRules(
        deps,
        cmd,
        async (ctx, cfg) => {
          const rows = await ctx.wh.all<{
            agent_id: string;
            display_name: string;
            team: string;
            state: string;
            reason: string | null;
            committee_decision: string | null;
            uncertainty_note: string | null;
            review_since: string | null;
            review_flagged_on: string | null;
            review_decision_working_days: number | null;
            awaiting_decision: boolean;
          }>(
            `SELECT agent_id, display_name, team, state, reason, committee_decision, uncertainty_note, review_since,
               review_flagged_on::VARCHAR AS review_flagged_on, review_decision_working_days, awaiting_decision FROM mart.bottom_tracker
             WHERE scheme_id = $s AND quarter = $q AND ($all OR state <> 'normal')
             ORDER BY CASE state WHEN 'review' THEN 0 WHEN 'warning' THEN 1 WHEN 'watch' THEN 2 WHEN 'recovered' THEN 3 ELSE 4 END, agent_id`,
            { s: o.scheme ?? cfg.primary_scheme, q: o.period, all: Boolean(o.all) },
          );
          if (!rows.length) out(`no tracker entries for ${o.period}`);
          const todayIs = today(ctx);
          for (const r of rows) {
            // an open review: when the committee's decision is due (working days after the quarter it began in)
            const due = r.awaiting_decision && r.review_flagged_on ? reviewDue(r.review_flagged_on, Number(r.review_decision_working_days), cfg.holidays, ctx.workingDay) : null;
            const review = due ? ` · awaiting the committee's decision since ${r.review_since}, due ${due}${reviewOverdue(due, todayIs) ? " (OVERDUE)" : ""}` : "";
            out(
              `${r.state.padEnd(9)} ${r.agent_id} ${r.display_name} (${r.team})${r.reason ? `: ${r.reason}` : ""}${review}${r.committee_decision ? ` · committee: ${r.committee_decision}` : ""}${r.uncertainty_note ? ` · ${r.uncertainty_note}` : ""}`,
            );
          }
        },
        true,
      );
    });

  const audit = program.command("audit").description("the append-only audit log");
  audit
    .command("verify")
    .description("recompute the keyed hash chain; name any edited or deleted entry, a missing or forged head, and published copies the log no longer matches")
    .option("--site <dir...>", "also check a built site or snapshot folder (a copy of what was published) against the log")
    .action(async (opts, cmd) => {
      await withRules(
        deps,
        cmd,
        async (ctx, cfg) => {
          // every published snapshot of this warehouse carries the head it was written at, and so does any copy given
          const anchors: Anchor[] = [];
          for (const audience of AUDIENCES) {
            const snap = currentSnapshot(publishedRoot(cfg), audience);
            if (snap) anchors.push({ ...anchorFromDir(snap), where: `the published ${audience} snapshot ${snap}` });
          }
          for (const dir of (opts.site as string[] | undefined) ?? []) anchors.push(anchorFromDir(path.resolve(dir)));
          const r = await verifyAudit(ctx.wh, anchors);
          for (const n of r.notes) process.stderr.write(`note: ${n}\n`);
          if (r.ok)
            out(
              `audit log intact: ${r.entries} entries (${r.keyed} keyed with ${auditKeyEnv()}), each carrying the MAC of the one before; head file and ${r.anchors.length} published head(s) match`,
            );
          else {
            for (const p of r.problems) process.stderr.write(`not verified: ${p}\n`);
            throw deps.fail(`the audit log does not verify (${r.problems.length} problem(s)); see above`);
          }
        },
        true,
      );
    });
  audit
    .command("log")
    .description("the latest audit entries")
    .option("--limit <n>", "how many", "20")
    .action(async (opts, cmd) => {
      const limit = parse(z.coerce.number().int().min(1).max(10_000), opts.limit, "--limit", deps.fail);
      await withRules(
        deps,
        cmd,
        async (ctx) => {
          const rows = await ctx.wh.all<{ seq: number; at: string; actor: string; action: string; subject: string; detail: string }>(
            "SELECT seq, strftime(logged_at, '%Y-%m-%d %H:%M:%S') AS at, actor, action, subject, detail::VARCHAR AS detail FROM meta.audit_log ORDER BY seq DESC LIMIT $n",
            { n: limit },
          );
          for (const r of rows.reverse()) out(`#${r.seq} ${r.at} ${r.actor} ${r.action} ${r.subject} ${r.detail.length > 160 ? `${r.detail.slice(0, 157)}...` : r.detail}`);
        },
        true,
      );
    });
}
