/**
 * Where a config's snapshots live, and publishing one: used by `appraisal run` (staff snapshot after each
 * successful run), the site commands and the scheduler.
 */
import path from "node:path";
import { workingDayOf } from "../../core/calendar/days.ts";
import { type AppConfig, resolvePath } from "../../core/config/app.ts";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { msg } from "../../core/messages.ts";
import { type PublishResult, publish } from "./publish.ts";
import type { Audience } from "./tables.ts";

/** Where snapshots live: beside the warehouse, in published/<audience>/. */
export function publishedRoot(cfg: AppConfig): string {
  return path.join(path.dirname(resolvePath(cfg, cfg.warehouse)), "published");
}

export async function publishWith(wh: Warehouse, cfg: AppConfig, audience: Audience): Promise<PublishResult> {
  const r = await publish(wh, { root: publishedRoot(cfg), audience, scheme: cfg.primary_scheme, language: cfg.language, holidays: cfg.holidays,
    workingDay: workingDayOf(cfg.business_hours, cfg.holidays), appeals: cfg.appeals });
  process.stderr.write(`${msg.snapshotPublished(audience, r.manifest.tables.length, r.manifest.shards.agents, r.manifest.shards.periods, r.seconds, r.dir)}\n`);
  return r;
}
