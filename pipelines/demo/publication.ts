/**
 * A demo period taken through the whole publication lifecycle at given moments: published for objection, its appeal
 * window passed, published as final, and acknowledged by some agents (双向确认). The boards then show all three
 * publication states side by side (a final quarter, a provisional one, open months). Used by the screenshots command
 * and the site tests; the acts go through the same rules as the CLI's (pipelines/rules), with the audit log.
 */
import type { Warehouse } from "../../core/db/warehouse.ts";
import { publish, type RulesContext } from "../rules/lifecycle.ts";
import { acknowledge } from "../rules/records.ts";

export interface FinalDemoPeriod {
  scheme: string;
  period: string;
  timezone: string;
  /** the moment of the provisional publication; the final one follows two calendar weeks later (after the window) */
  publishedAt: Date;
  /** agents who acknowledge the final result */
  acknowledgedBy: string[];
}

export async function finalDemoPeriod(wh: Warehouse, p: FinalDemoPeriod): Promise<void> {
  const at = (d: Date): RulesContext => ({ wh, timezone: p.timezone, asOf: d, actor: "demo" });
  const finalAt = new Date(p.publishedAt.getTime() + 14 * 86_400_000);
  await publish(at(p.publishedAt), p.scheme, p.period, "provisional");
  await publish(at(finalAt), p.scheme, p.period, "final");
  for (const agent of p.acknowledgedBy) await acknowledge(at(new Date(finalAt.getTime() + 86_400_000)), { agent, period: p.period }, p.scheme, "demo");
}
