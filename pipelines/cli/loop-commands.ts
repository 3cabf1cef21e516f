/**
 * Commands of the improvement loop: `appraisal notify` (tell people: publication, deadlines, decisions, the tracker,
 * failed runs), and the helper that sends right after an act that raises an event (publish).
 */
import type { Command } from "commander";
import { z } from "zod";
import type { AppConfig } from "../config.ts";
import type { Warehouse } from "../db/warehouse.ts";
import { formatZodError } from "../messages.ts";
import { type NotifyResult, notify } from "../notify/notify.ts";
import type { RulesDeps } from "./rules-commands.ts";

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
  const r = await notify(wh, { config: cfg.notifications, language: cfg.language, timezone: cfg.timezone, holidays: cfg.holidays, log: say });
  for (const line of describe(r, false)) say(`notify: ${line}`);
  return r;
}

export function addLoopCommands(program: Command, deps: RulesDeps): void {
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
