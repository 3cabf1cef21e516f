/**
 * The appraisal scheme as data: dimensions, indicators, weights, scoring rules, grades, ranking and
 * department rules, versioned and effective-dated. Validated with messages a person can act on.
 */
import { z } from "zod";
import { ADJUSTABLE, METRIC_IDS, METRICS } from "./metrics.ts";

export const Label = z.object({ en: z.string().min(1), "zh-CN": z.string().min(1).optional() });
export type Label = z.infer<typeof Label>;

const Id = z.string().regex(/^[a-z][a-z0-9_]*$/, "use lower-case letters, digits and _ (for example work_completion)");

export const PeriodType = z.enum(["month", "quarter", "year"]);
export type PeriodType = z.infer<typeof PeriodType>;

const TargetScoring = z
  .object({
    method: z.literal("target"),
    /** the value that scores 0 */
    floor: z.number(),
    /** the value that scores 100; below the floor for lower-is-better indicators */
    target: z.number(),
    /** 'month': floor and target are per month and scale with the months the agent was active in the period */
    per: z.enum(["period", "month"]).default("period"),
  })
  .refine((s) => s.floor !== s.target, { message: "floor and target must differ" });

const PercentileScoring = z.object({ method: z.literal("percentile") });

export const Scoring = z.discriminatedUnion("method", [TargetScoring, PercentileScoring]);

/** a weight in percent with at most 4 decimals (stored exactly, so that weights add up exactly) */
const Weight = z
  .number()
  .positive()
  .max(100)
  .refine((w) => Math.abs(w * 1e4 - Math.round(w * 1e4)) < 1e-6, "a weight has at most 4 decimals, like 33.3333");

export const Indicator = z.object({
  id: Id,
  name: Label,
  metric: z.string(),
  /** share of its dimension, percent */
  weight: Weight,
  scoring: Scoring,
  /** small-sample adjustment of rates (METRICS.md, "Small samples") */
  adjust: z.enum(["none", "bayes", "wilson"]).default("none"),
  /** below this sample the indicator is missing for the agent */
  min_sample: z.int().min(0).default(0),
  /** overrides the version's missing policy */
  missing: z.enum(["redistribute", "floor"]).optional(),
  note: Label.optional(),
});
export type Indicator = z.infer<typeof Indicator>;

export const Dimension = z.object({
  id: Id,
  name: Label,
  /** share of the composite, percent */
  weight: Weight,
  indicators: z.array(Indicator).min(1),
});
export type Dimension = z.infer<typeof Dimension>;

export const Grade = z.object({ grade: z.string().min(1).max(4), min: z.number().min(0).max(100), name: Label });
export type Grade = z.infer<typeof Grade>;

const PerPeriod = z.object({ month: z.int().min(0), quarter: z.int().min(0), year: z.int().min(0) }).partial();

export const Ranking = z.object({
  /** resolved tickets an agent needs in the period to be ranked */
  min_tickets: PerPeriod.default({ month: 20, quarter: 60, year: 240 }),
  /** percent of the scheme's weight that must have a value for the agent to be ranked */
  min_weight_present: z.number().min(0).max(100).default(50),
});

export const BottomGroupRule = z.object({
  /** share of ranked agents in the bottom group */
  share: z.number().gt(0).lt(1).default(0.2),
  /** the rule applies only to populations of at least this many ranked agents */
  min_population: z.int().min(2).default(5),
  /** consecutive quarters in the bottom group that lead to a warning */
  consecutive_quarters: z.int().min(1).max(12).default(3),
});

export const Exclusions = z.object({
  /** agents in their first N months (at the quarter's end) are not tracked */
  new_hire_months: z.int().min(0).max(36).default(6),
});

export const Triggers = z.object({
  /** a quarter with at least this many complaints, or serious errors in quality audits, is a severe quality problem */
  quality: z.object({ complaints: z.int().min(1).default(6), serious_errors: z.int().min(1).default(2) }).default({ complaints: 6, serious_errors: 2 }),
  /** low efficiency: resolved tickets below this share of the department median, or a median resolution time above
   *  this multiple of the team's median (a team's queue decides how hard its tickets are) */
  efficiency: z
    .object({ resolved_below_share_of_median: z.number().gt(0).lt(1).default(0.5), resolution_time_above_multiple: z.number().gt(1).default(2.5) })
    .default({ resolved_below_share_of_median: 0.5, resolution_time_above_multiple: 2.5 }),
});

export const Publication = z.object({
  /** working days after provisional publication in which an appeal may be filed */
  appeal_window_working_days: z.int().min(1).max(60).default(5),
});

export const Incentives = z.object({
  /** bonus eligibility: composite at or above this */
  bonus_min_score: z.number().min(0).max(100).default(80),
  /** promotion priority: on target in this many consecutive periods of the same type */
  promotion_consecutive_periods: z.int().min(2).max(12).default(3),
  /** training offer: composite below this */
  training_below_score: z.number().min(0).max(100).default(70),
  /** honours: the top K of the department */
  honours_top: z.int().min(1).max(100).default(3),
});

/**
 * The review committee's time: an agent flagged for review stays "review (awaiting decision)" until the committee's
 * decision is recorded or the agent leaves the bottom group, and is overdue this many working days after the quarter
 * ends. Optional, so that a version that does not set it keeps its hash; the default is DEFAULT_REVIEW_WORKING_DAYS.
 */
export const ReviewRule = z.object({
  decision_working_days: z.int().min(1).max(120),
});
export const DEFAULT_REVIEW_WORKING_DAYS = 10;

export const Rules = z.object({
  bottom_group: BottomGroupRule.default(BottomGroupRule.parse({})),
  exclusions: Exclusions.default(Exclusions.parse({})),
  triggers: Triggers.default(Triggers.parse({})),
  publication: Publication.default(Publication.parse({})),
  incentives: Incentives.default(Incentives.parse({})),
  review: ReviewRule.optional(),
});

const isFirstOfMonth = (d: string) => /^\d{4}-\d{2}-01$/.test(d);

export const SchemeVersion = z
  .object({
    version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a version like 2026.1"),
    effective_from: z.iso.date().refine(isFirstOfMonth, "a version takes effect on the first day of a month, like 2026-01-01"),
    /** what changed in this version, for the methodology board: a sentence, or {en, zh-CN} */
    notes: z.union([z.string(), Label]).optional(),
    dimensions: z.array(Dimension).min(1),
    grades: z.array(Grade).min(1),
    /** a missing indicator: its weight shared among the present ones (disclosed), or scored at its floor */
    missing: z.enum(["redistribute", "floor"]).default("redistribute"),
    /** prior weight m of the Bayesian average */
    bayes_prior_weight: z.number().positive().default(20),
    ranking: Ranking.default(Ranking.parse({})),
    rules: Rules.default(Rules.parse({})),
  })
  .superRefine((v, ctx) => {
    const near = (x: number) => Math.abs(x - 100) < 1e-9;
    const dimSum = v.dimensions.reduce((a, d) => a + d.weight, 0);
    if (!near(dimSum))
      ctx.addIssue({
        code: "custom",
        path: ["dimensions"],
        message: `dimension weights add up to ${round(dimSum)}; they must add up to 100`,
      });
    const seen = new Set<string>();
    v.dimensions.forEach((d, di) => {
      const sum = d.indicators.reduce((a, i) => a + i.weight, 0);
      if (!near(sum))
        ctx.addIssue({
          code: "custom",
          path: ["dimensions", di, "indicators"],
          message: `weights of dimension '${d.id}' add up to ${round(sum)}; they must add up to 100`,
        });
      d.indicators.forEach((ind, ii) => {
        const at = ["dimensions", di, "indicators", ii];
        if (seen.has(ind.id)) ctx.addIssue({ code: "custom", path: [...at, "id"], message: `indicator id '${ind.id}' is used twice` });
        seen.add(ind.id);
        const metric = METRICS[ind.metric];
        if (!metric) {
          ctx.addIssue({
            code: "custom",
            path: [...at, "metric"],
            message: `unknown metric '${ind.metric}' in indicator '${ind.id}'; known metrics: ${METRIC_IDS.join(", ")}`,
          });
          return;
        }
        if (ind.adjust !== "none" && !ADJUSTABLE.includes(metric.kind))
          ctx.addIssue({
            code: "custom",
            path: [...at, "adjust"],
            message: `adjust: ${ind.adjust} works only on rates; '${ind.metric}' is a ${metric.kind}. Remove adjust or pick a rate`,
          });
        if (ind.scoring.method === "target") {
          const higher = metric.direction === "higher";
          if (higher !== ind.scoring.target > ind.scoring.floor)
            ctx.addIssue({
              code: "custom",
              path: [...at, "scoring"],
              message: `'${ind.metric}' is ${higher ? "higher" : "lower"}-is-better, so its target must be ${higher ? "above" : "below"} its floor (floor ${ind.scoring.floor}, target ${ind.scoring.target})`,
            });
        }
      });
    });
    const mins = v.grades.map((g) => g.min);
    if (mins.some((x, i) => i > 0 && x >= mins[i - 1]!))
      ctx.addIssue({ code: "custom", path: ["grades"], message: "list grades from the highest band down; each min must be below the one before" });
    if (mins.at(-1) !== 0) ctx.addIssue({ code: "custom", path: ["grades"], message: "the last grade must start at 0, so that every score has a grade" });
  });
export type SchemeVersion = z.infer<typeof SchemeVersion>;

/**
 * Rank uncertainty (issue 6): an interval for each ranked agent's rank from seeded bootstrap replicates of the
 * tickets, responses and audits behind the indicators. It changes no score, rank or grade; it says how sure a rank
 * is. Kept beside the versions, not in them: changing it changes no version's hash.
 */
export const Uncertainty = z.object({
  /** replicates per period; the cost of a run grows with replicates x agents x periods of these types */
  replicates: z.int().min(20, "use at least 20 replicates (200 is a good default)").max(2000),
  /** the same seed gives the same intervals, bit for bit */
  seed: z.int().min(0).max(2_147_483_647),
  /** the share of replicates the interval covers */
  level: z.number().gt(0.5).lt(1).default(0.95),
  /** the period types that get intervals (each of the scheme's period_types) */
  period_types: z.array(PeriodType).min(1),
});
export type Uncertainty = z.infer<typeof Uncertainty>;

export const Scheme = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, "use lower-case letters, digits and - (for example support-weighted)"),
    name: Label,
    description: Label.optional(),
    /** where in the seed rules the scheme comes from */
    source: z.string().optional(),
    applies_to: z
      .object({ departments: z.array(z.string()).default([]), roles: z.array(z.string()).default([]) })
      .default({ departments: [], roles: [] }),
    period_types: z.array(PeriodType).min(1),
    /**
     * The first day the scheme scores (the first of a month). Without it, the first version also scores every period
     * before its effective_from: a department's older exports are scored with the earliest rules there are.
     */
    start: z.iso.date().refine(isFirstOfMonth, "a scheme starts on the first day of a month, like 2024-01-01").optional(),
    versions: z.array(SchemeVersion).min(1),
    uncertainty: Uncertainty.optional(),
  })
  .superRefine((s, ctx) => {
    for (const t of s.uncertainty?.period_types ?? [])
      if (!s.period_types.includes(t))
        ctx.addIssue({
          code: "custom",
          path: ["uncertainty", "period_types"],
          message: `the scheme scores ${s.period_types.join(", ")}, not ${t}; list only those in uncertainty.period_types`,
        });
    const dates = s.versions.map((v) => v.effective_from);
    if (new Set(dates).size !== dates.length)
      ctx.addIssue({ code: "custom", path: ["versions"], message: "two versions take effect on the same day; give each its own effective_from" });
    if (dates.some((d, i) => i > 0 && d <= dates[i - 1]!))
      ctx.addIssue({ code: "custom", path: ["versions"], message: "list versions oldest first (effective_from ascending)" });
    const ids = s.versions.map((v) => v.version);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: "custom", path: ["versions"], message: "version names must be unique" });
  });
export type Scheme = z.infer<typeof Scheme>;

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
