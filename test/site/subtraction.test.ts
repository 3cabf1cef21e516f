/**
 * The privacy suite's subtraction attack (issue 10 item 4, METRICS.md "Small-group suppression"): a reader of the
 * published files of the demo tries every subtraction the files allow, and must not work out a hidden 360 group (a
 * peer, subordinate, customer or other-department group under 3 raters).
 * - Agent level: a year's group minus any subset of its quarters' published groups (means weighted by raters).
 * - Team level (management build): a team's published mean per rater group and quarter minus its agents' published
 *   groups; anything left over would come from hidden groups.
 * The ground truth (which groups are hidden, and their means) comes from the warehouse the site was built from.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Warehouse } from "../../core/db/warehouse.ts";
import { readSiteText } from "../../pipelines/site/scan.ts";

const site = inject("site");
const SUPPRESSED = new Set(["peer", "subordinate", "customer", "other_department"]);

interface Group {
  agent: string;
  period_type: string;
  period: string;
  relation: string;
  dimension: string;
  raters: number;
  mean: number;
}

type Table = { columns: string[]; rows: unknown[][] };
const rowsOf = (t: Table) => t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]])) as Record<string, unknown>);

/** Every 360 group the built site publishes, read from its agent files. */
function publishedGroups(dist: string): Group[] {
  const dir = path.join(dist, "_file", "data", "shards", "agents");
  const out: Group[] = [];
  for (const f of readdirSync(dir)) {
    const shard = JSON.parse(readSiteText(path.join(dir, f)));
    const periods = rowsOf(shard.periods);
    for (const r of rowsOf(shard.r360)) {
      const p = periods[r.p as number]!;
      out.push({
        agent: shard.agent.agent_id,
        period_type: p.period_type as string,
        period: p.period as string,
        relation: shard.dict.relations[r.relation as number],
        dimension: shard.dict.dimensions[r.dimension as number],
        raters: r.raters as number,
        mean: r.mean_score as number,
      });
    }
  }
  return out;
}

interface Truth {
  agent: string;
  quarter: string;
  relation: string;
  dimension: string;
  raters: number;
  ratings: number;
  sum: number;
  scores: Array<{ rater: string; score: number }>;
}

let wh: Warehouse;
let truth: Truth[];
beforeAll(async () => {
  wh = await Warehouse.open(site.warehouse, { timezone: "Asia/Shanghai", readOnly: true });
  truth = (
    await wh.all<Omit<Truth, "scores"> & { scores: Array<{ rater: string; score: number }> }>(
      `SELECT agent_id AS agent, period AS quarter, relation, dimension, count(DISTINCT rater_id) AS raters, count(*) AS ratings, sum(score) AS sum,
         list({'rater': rater_id, 'score': score}) AS scores
       FROM stg.reviews_360 GROUP BY ALL`,
    )
  ).map((t) => ({ ...t, raters: Number(t.raters), ratings: Number(t.ratings) }));
});
afterAll(() => wh?.close());

const key = (...xs: string[]) => xs.join("|");

/**
 * The year-minus-quarters attack over `groups` (published year and quarter groups): every subset of the published
 * quarters is subtracted from the year; a remainder of 1 or 2 raters whose mean equals the true mean of the year's
 * hidden quarter groups is a leak. Returns the leaks found.
 */
function yearAttack(groups: Group[]): string[] {
  const quarters = new Map<string, Group[]>();
  for (const g of groups.filter((x) => x.period_type === "quarter")) {
    const k = key(g.agent, g.period.slice(0, 4), g.relation, g.dimension);
    quarters.set(k, [...(quarters.get(k) ?? []), g]);
  }
  const hidden = new Map<string, Truth[]>();
  const shown = new Set(groups.filter((g) => g.period_type === "quarter").map((g) => key(g.agent, g.period, g.relation, g.dimension)));
  for (const t of truth) {
    if (!SUPPRESSED.has(t.relation) || shown.has(key(t.agent, t.quarter, t.relation, t.dimension))) continue;
    const k = key(t.agent, t.quarter.slice(0, 4), t.relation, t.dimension);
    hidden.set(k, [...(hidden.get(k) ?? []), t]);
  }
  const leaks: string[] = [];
  for (const y of groups.filter((g) => g.period_type === "year" && SUPPRESSED.has(g.relation))) {
    const k = key(y.agent, y.period, y.relation, y.dimension);
    const hs = hidden.get(k) ?? [];
    if (!hs.length) continue;
    const all = hs.flatMap((h) => h.scores);
    const targets = [...hs.map((h) => ({ raters: h.raters, mean: h.sum / h.ratings })), { raters: new Set(all.map((s) => s.rater)).size, mean: all.reduce((a, s) => a + s.score, 0) / all.length }];
    const qs = quarters.get(k) ?? [];
    for (let mask = 0; mask < 1 << qs.length; mask++) {
      const subset = qs.filter((_, i) => mask & (1 << i));
      const n = y.raters - subset.reduce((a, q) => a + q.raters, 0);
      if (n < 1 || n > 2) continue;
      const derived = (y.mean * y.raters - subset.reduce((a, q) => a + q.mean * q.raters, 0)) / n;
      if (targets.some((t) => t.raters <= 2 && Math.abs(t.mean - derived) < 1e-6)) {
        leaks.push(`${k}: ${derived.toFixed(3)} over ${n} rater(s)`);
        break;
      }
    }
  }
  return leaks;
}

describe("the subtraction attack on the published 360 groups", () => {
  it("works: on groups published by the rule alone (each group with >= 3 raters), it finds hidden groups", () => {
    // what a site would publish without suppression across aggregates: every year and quarter group with >= 3 raters
    const byYear = new Map<string, Truth[]>();
    for (const t of truth) byYear.set(key(t.agent, t.quarter.slice(0, 4), t.relation, t.dimension), [...(byYear.get(key(t.agent, t.quarter.slice(0, 4), t.relation, t.dimension)) ?? []), t]);
    const naive: Group[] = truth
      .filter((t) => !SUPPRESSED.has(t.relation) || t.raters >= 3)
      .map((t) => ({ agent: t.agent, period_type: "quarter", period: t.quarter, relation: t.relation, dimension: t.dimension, raters: t.raters, mean: t.sum / t.ratings }));
    for (const [k, ts] of byYear) {
      const all = ts.flatMap((t) => t.scores);
      const raters = new Set(all.map((s) => s.rater)).size;
      const [agent, year, relation, dimension] = k.split("|") as [string, string, string, string];
      if (SUPPRESSED.has(relation) && raters < 3) continue;
      naive.push({ agent, period_type: "year", period: year, relation, dimension, raters, mean: all.reduce((a, s) => a + s.score, 0) / all.length });
    }
    expect(yearAttack(naive).length).toBeGreaterThan(10);
  });

  it("finds no hidden group in either build: a year minus any subset of its quarters", () => {
    // the staff build names agents only in published periods (the named-data rule); the management build in every
    // period, so it holds every year beside its quarters: the attack's full ground
    const management = publishedGroups(site.distManagement);
    const staff = publishedGroups(site.dist);
    expect(management.filter((g) => g.period_type === "year").length).toBeGreaterThan(100);
    expect(staff.length).toBeGreaterThan(100);
    // the demo has hidden quarter groups (2 raters) to protect
    expect(truth.filter((t) => SUPPRESSED.has(t.relation) && t.raters < 3).length).toBeGreaterThan(10);
    expect(yearAttack(management)).toEqual([]);
    expect(yearAttack(staff)).toEqual([]);
    // and nothing hidden is published directly
    for (const g of [...management, ...staff]) if (SUPPRESSED.has(g.relation)) expect(g.raters, key(g.agent, g.period, g.relation)).toBeGreaterThanOrEqual(3);
  });

  it("finds no hidden group in the management build: a team's mean per rater group minus its agents' published groups", () => {
    const groups = publishedGroups(site.distManagement);
    const teams = rowsOf(JSON.parse(readSiteText(path.join(site.distManagement, "_file", "data", "shards", "management", "rater_calibration.json"))));
    // the team an agent was in for each period (roster history: a mover counts for the team of the period), else
    // their latest team
    const latestTeam = new Map<string, string>();
    const periodTeam = new Map<string, string>();
    for (const f of readdirSync(path.join(site.distManagement, "_file", "data", "shards", "agents"))) {
      const s = JSON.parse(readSiteText(path.join(site.distManagement, "_file", "data", "shards", "agents", f)));
      latestTeam.set(s.agent.agent_id, s.agent.team);
      for (const p of rowsOf(s.periods)) if (p.team) periodTeam.set(key(s.agent.agent_id, p.period as string), p.team as string);
    }
    const teamOf = (agent: string, period: string) => periodTeam.get(key(agent, period)) ?? latestTeam.get(agent);
    // one rating per rater and dimension in a quarter group: the published raters count the ratings
    expect(truth.every((t) => t.ratings === t.raters)).toBe(true);
    const leaks: string[] = [];
    let checked = 0;
    for (const t of teams.filter((x) => x.period_type === "quarter" && SUPPRESSED.has(x.measure as string) && x.mean_rating !== null)) {
      const mine = groups.filter((g) => g.period_type === "quarter" && g.period === t.period && g.relation === t.measure && teamOf(g.agent, g.period) === t.team);
      const n = mine.reduce((a, g) => a + g.raters, 0);
      const sum = mine.reduce((a, g) => a + g.mean * g.raters, 0);
      checked++;
      // the team's mean is the published groups' mean, or something hidden is in it
      if (n === 0 || Math.abs(sum / n - (t.mean_rating as number)) > 1e-9) leaks.push(`${t.team} ${t.period} ${t.measure}: team ${(t.mean_rating as number).toFixed(4)}, published groups ${(sum / n).toFixed(4)}`);
    }
    expect(checked).toBeGreaterThan(10);
    expect(leaks).toEqual([]);
  });
});
