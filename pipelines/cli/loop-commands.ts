/**
 * Commands of the improvement loop: `appraisal notify` (tell people: publication, deadlines, decisions, the tracker,
 * failed runs), and the helper that sends right after an act that raises an event (publish).
 */

import path from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { workingDayOf } from "../../core/calendar/days.ts";
import { type AppConfig, schemesDir } from "../../core/config/app.ts";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { formatZodError } from "../../core/messages.ts";
import { PeriodLabel } from "../../core/periods.ts";
import { adopt } from "../lab/adopt.ts";
import { DraftError, loadDraft } from "../lab/draft.ts";
import { formatSimulation } from "../lab/report.ts";
import { parseLast, SimulateError, simulate } from "../lab/simulate.ts";
import { type NotifyResult, notify } from "../notify/notify.ts";
import { loadSchemes } from "../scheme/load.ts";
import type { RulesDeps } from "./deps.ts";
import { runReporter } from "./progress.ts";

const out = (s: string) => process.stdout.write(`${s}\n`);
const say = (s: string) => process.stderr.write(`${s}\n`);

function describe(r: NotifyResult, dryRun: boolean): string[] {
  const lines: string[] = [];
  for (const d of r.deliveries) {
    if (d.outcome === "skipped") continue;
    const to = d.recipient ? ` to ${d.recipient}` : "";
    if (dryRun) lines.push(`would send ${d.key} on ${d.channel}${to}:\n  ${d.message.title}\n  ${d.message.text.replaceAll("\n", "\n  ")}`);
    else if (d.outcome === "sent") lines.push(`sent ${d.key} on ${d.channel}${to}`);
    else if (d.outcome === "unknown") lines.push(`not sent again: ${d.key} on ${d.channel}${to} (an earlier send was interrupted; --resend ${d.key} to send it)`);
    else lines.push(`FAILED ${d.key} on ${d.channel}${to}: ${d.error} (tried again on the next run)`);
  }
  const sent = r.deliveries.filter((d) => d.outcome === "sent").length;
  const failed = r.deliveries.filter((d) => d.outcome === "failed").length;
  const done = r.deliveries.filter((d) => d.outcome === "skipped").length;
  lines.push(
    dryRun
      ? `${r.events} event(s); ${r.deliveries.filter((d) => d.outcome === "would send").length} message(s) would be sent, ${done} already sent (dry run: nothing sent or recorded)`
      : `${r.events} event(s): ${sent} message(s) sent, ${failed} failed, ${done} sent before`,
  );
  return lines;
}

/** Send what the warehouse's events call for, when notifications are configured (after publish and the like). */
export async function notifyIfConfigured(wh: Warehouse, cfg: AppConfig): Promise<NotifyResult | null> {
  if (!cfg.notifications) return null;
  const r = await notify(wh, {
    config: cfg.notifications,
    language: cfg.language,
    timezone: cfg.timezone,
    holidays: cfg.holidays,
    workingDay: workingDayOf(cfg.business_hours, cfg.holidays),
    log: say,
  });
  for (const line of describe(r, false)) say(`notify: ${line}`);
  return r;
}

export function addLoopCommands(program: Command, deps: RulesDeps): void {
  const labError = (e: unknown) => (e instanceof DraftError || e instanceof SimulateError ? deps.fail(e.message) : e);

  program
    .command("simulate")
    .description("score a draft scheme version over past periods beside the scheme in force (a scratch schema; nothing scored or published changes)")
    .requiredOption("--scheme <draft.yaml>", "the draft: scheme, version, effective_from and what changes (weights: or whole fields)")
    .option("--period <period>", "one period: 2026-Q3, 2026-09 or 2026")
    .option("--last <n>", "the last n complete periods: 4q, 6m, 2y (default 4q)")
    .option("--changes-only", "list only the agents whose rank, grade or bottom group changes")
    .option("--json", "the simulation's id and result hash as JSON")
    .action(async (opts, cmd) => {
      const o = z
        .object({ scheme: z.string().min(1), period: PeriodLabel.optional(), last: z.string().optional(), changesOnly: z.boolean().optional(), json: z.boolean().optional() })
        .refine((x) => !(x.period && x.last), { message: "give --period or --last, not both" })
        .safeParse(opts);
      if (!o.success) throw deps.fail(formatZodError("simulate options", o.error));
      const cfg = deps.config(cmd);
      try {
        const schemes = loadSchemes(schemesDir(cfg));
        const draft = loadDraft(path.resolve(o.data.scheme), schemes);
        const choice = o.data.period ? { period: o.data.period } : { last: parseLast(o.data.last ?? "4q") };
        const text = await deps.locked(cfg, cmd, "simulate", async () => {
          const wh = await deps.open(cfg);
          try {
            const r = await simulate(wh, schemes, { draft, choice, reporter: runReporter() });
            return o.data.json ? JSON.stringify(r, null, 2) : await formatSimulation(wh, r.simId, { changesOnly: o.data.changesOnly });
          } finally {
            wh.close();
          }
        });
        out(text);
      } catch (e) {
        throw labError(e);
      }
    });

  program
    .command("adopt")
    .description("write a draft as a new version of its scheme (its effective date), recording who and why in the audit log")
    .requiredOption("--draft <draft.yaml>", "the draft (as simulated)")
    .requiredOption("--reason <text>", "why the scheme changes (recorded)")
    .action(async (opts, cmd) => {
      const o = z.object({ draft: z.string().min(1), reason: z.string().trim().min(1, "a reason is required") }).safeParse(opts);
      if (!o.success) throw deps.fail(formatZodError("adopt options", o.error));
      const cfg = deps.config(cmd);
      try {
        const schemes = loadSchemes(schemesDir(cfg));
        const draft = loadDraft(path.resolve(o.data.draft), schemes);
        const r = await deps.locked(cfg, cmd, "adopt", async () => {
          const wh = await deps.open(cfg);
          try {
            return await adopt(wh, { draft, reason: o.data.reason });
          } finally {
            wh.close();
          }
        });
        out(
          `${r.scheme} ${r.version} adopted: in force from ${r.effectiveFrom}, written to ${r.file} (sha256 ${r.sha256.slice(0, 12)})${r.simulations.length ? `, as simulated in #${r.simulations.join(", #")}` : " (never simulated)"}; 'appraisal run' scores with it`,
        );
        if (r.provisional.length) say(`note: ${r.provisional.join(", ")} ${r.provisional.length > 1 ? "are" : "is"} published as provisional and will be re-scored: publish again after the run`);
      } catch (e) {
        throw labError(e);
      }
    });

  program
    .command("notify")
    .description("send the notifications the warehouse's events call for (publication, deadlines, decisions, tracker, failed runs), each once")
    .option("--dry-run", "print what would be sent; send and record nothing")
    .option("--resend <key...>", "send these events again where an earlier send was interrupted (state unknown)")
    .action(async (opts, cmd) => {
      const o = z.object({ dryRun: z.boolean().optional(), resend: z.array(z.string().min(1)).optional() }).safeParse(opts);
      if (!o.success) throw deps.fail(formatZodError("notify options", o.error));
      const cfg = deps.config(cmd);
      if (!cfg.notifications) throw deps.fail("no notifications: section in the config; see README, 'Notifications'");
      const run = async () => {
        const wh = await deps.open(cfg, Boolean(o.data.dryRun));
        try {
          return await notify(wh, {
            config: cfg.notifications!,
            language: cfg.language,
            timezone: cfg.timezone,
            holidays: cfg.holidays,
            workingDay: workingDayOf(cfg.business_hours, cfg.holidays),
            dryRun: o.data.dryRun,
            resend: o.data.resend,
            log: say,
          });
        } finally {
          wh.close();
        }
      };
      const r = o.data.dryRun ? await run() : await deps.locked(cfg, cmd, "notify", run);
      for (const line of describe(r, Boolean(o.data.dryRun))) out(line);
      if (r.deliveries.some((d) => d.outcome === "failed")) process.exitCode = 1;
    });
}
