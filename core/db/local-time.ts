/**
 * Local times without ICU for every record, both ways, from the zone's offsets read once through DuckDB's own ICU (so
 * the same tzdata as a CAST). Converting between an instant (TIMESTAMPTZ) and a wall-clock time (TIMESTAMP) goes
 * through ICU's calendar for every value: at 10M tickets 1.5 s per column, against 0.09 s to add the offset as a number.
 *
 * - local_time(ts), instant -> the department's wall time, the same value as CAST(ts AS TIMESTAMP) in the session's
 *   zone: the models key millions of records by local month (agent_metrics, input_events). Before the models run, the
 *   offset is read every 15 minutes over the data's span, and the macro has one branch per stretch where the offset
 *   stayed the same: an instant from one sample to the next of the same stretch gets that offset. An instant between
 *   two samples with different offsets (the quarter hour with a daylight-saving change), outside the span, or NULL
 *   falls back to the CAST itself.
 * - wallTimeMacro, wall time -> instant, the same value as CAST(ts AS TIMESTAMPTZ) (or timezone(zone, ts) for an export
 *   in another zone): every naive time an export gives is read this way (six columns of every ticket). The stretches
 *   are read every hour; a wall time w is the instant w - offset when that instant lies inside a stretch of that offset
 *   and two days from either end of it. Then no other instant has that wall time (offsets differ by at most 26 hours,
 *   so another instant with it would lie in the same stretch, at the same offset: the same instant), and ICU gives that
 *   one. The wall times a change skips or repeats lie within hours of a change, so they all fall back to the ICU cast.
 *
 * Both are exact everywhere: test/core/db/local-time.test.ts compares them with the casts around every change of
 * several zones.
 */
import { createHash } from "node:crypto";
import type { Warehouse } from "./warehouse.ts";
import { lit } from "./warehouse.ts";

interface Stretch {
  first_us: number | bigint;
  last_us: number | bigint;
  offset_us: number | bigint;
}

/**
 * The zone's offset over [from - 1 day, to + 2 days] (instants), sampled every `step` minutes, in stretches of equal
 * offset. `zone`: the session's zone when absent.
 */
async function stretches(wh: Warehouse, from: string, to: string, step: number, zone?: string): Promise<Stretch[]> {
  const local = zone ? `timezone(${lit(zone)}, t)` : "CAST(t AS TIMESTAMP)";
  return wh.all<Stretch>(
    `WITH samples AS (
       SELECT epoch_us(t) AS u, epoch_us(${local}) - epoch_us(t) AS o
       FROM (SELECT unnest(generate_series(CAST(${lit(from)} AS TIMESTAMP) - INTERVAL 1 DAY, CAST(${lit(to)} AS TIMESTAMP) + INTERVAL 2 DAY,
             INTERVAL ${step} MINUTE)) AS naive)
       CROSS JOIN LATERAL (SELECT make_timestamptz(epoch_us(naive)) AS t)
     ),
     marked AS (SELECT u, o, CASE WHEN o IS DISTINCT FROM lag(o) OVER (ORDER BY u) THEN 1 ELSE 0 END AS change FROM samples),
     numbered AS (SELECT u, o, sum(change) OVER (ORDER BY u) AS stretch FROM marked)
     SELECT min(u) AS first_us, max(u) AS last_us, any_value(o) AS offset_us FROM numbered GROUP BY stretch ORDER BY first_us`,
  );
}

/**
 * The CREATE MACRO for local_time(ts), ts a TIMESTAMPTZ, over the days [from, to] (YYYY-MM-DD; a day more either side),
 * in the warehouse's session zone; null when there is no stretch to speed up (macros.sql's CAST stays).
 */
export async function localTimeMacro(wh: Warehouse, from: string, to: string): Promise<string | null> {
  const u = "epoch_us(ts)";
  const branches = (await stretches(wh, from, to, 15))
    .filter((s) => BigInt(s.last_us) > BigInt(s.first_us))
    .map((s) => `WHEN ${u} >= ${BigInt(s.first_us)} AND ${u} <= ${BigInt(s.last_us)} THEN make_timestamp(${u} + ${BigInt(s.offset_us)})`);
  if (!branches.length) return null;
  return `CREATE OR REPLACE MACRO local_time(ts) AS CASE ${branches.join(" ")} ELSE CAST(ts AS TIMESTAMP) END`;
}

/** how far from either end of its stretch an instant must lie to be read without ICU (above the largest offset change) */
const MARGIN_US = 2n * 86_400_000_000n;

/**
 * The CREATE TEMP MACRO `name`(ts), ts a wall-clock TIMESTAMP in `zone` (the session's when absent), giving the instant
 * as CAST(ts AS TIMESTAMPTZ) (timezone(zone, ts)) does, fast for the wall times of the days [from, to]. The latest
 * stretches come first: an export's records are mostly recent.
 */
export async function wallTimeMacro(wh: Warehouse, name: string, from: string, to: string, zone?: string): Promise<string> {
  const w = "epoch_us(ts)";
  const branches = (await stretches(wh, from, to, 60, zone))
    .map((s) => ({ lo: BigInt(s.first_us) + MARGIN_US, hi: BigInt(s.last_us) - MARGIN_US, o: BigInt(s.offset_us) }))
    .filter((s) => s.hi > s.lo)
    .reverse()
    .map((s) => `WHEN ${w} - (${s.o}) BETWEEN ${s.lo} AND ${s.hi} THEN make_timestamptz(${w} - (${s.o}))`);
  const cast = zone ? `timezone(${lit(zone)}, ts)` : "CAST(ts AS TIMESTAMPTZ)";
  return `CREATE OR REPLACE TEMP MACRO ${name}(ts) AS ${branches.length ? `CASE ${branches.join(" ")} ELSE ${cast} END` : cast}`;
}

/** the years before and after the load time whose wall times an ingest reads without ICU (older ones are exact, slower) */
const WALL_YEARS_BACK = 5;
const WALL_YEARS_AHEAD = 1;
/** the macros made on each warehouse's connection (a TEMP macro lives as long as the connection) */
const made = new WeakMap<Warehouse, Set<string>>();

/**
 * The name of a macro reading a wall-clock TIMESTAMP in `zone` (the session's when absent) as its instant, made on this
 * connection the first time: over the 5 years before `around` and the one after (an hourly sample of 7 years takes
 * 0.05-0.1 s). An ingest reads every naive time of an export through it (data-loaders/ingest/check-sql.ts). Called
 * outside a transaction (the warehouse's transactions do not nest, and a load opens its own), so no rollback undoes it.
 */
export async function wallTimeFunction(wh: Warehouse, zone: string | undefined, around: Date): Promise<string> {
  // the zone's name made an identifier, with a hash of it: Etc/GMT+8 and Etc/GMT-8 would otherwise be one name
  const name = zone ? `wall_time_${zone.toLowerCase().replace(/[^a-z0-9]+/g, "_")}_${createHash("sha256").update(zone).digest("hex").slice(0, 8)}` : "wall_time_session";
  const names = made.get(wh) ?? new Set<string>();
  made.set(wh, names);
  if (names.has(name)) return name;
  const year = around.getUTCFullYear();
  await wh.run(await wallTimeMacro(wh, name, `${year - WALL_YEARS_BACK}-01-01`, `${year + WALL_YEARS_AHEAD}-12-31`, zone));
  names.add(name);
  return name;
}
