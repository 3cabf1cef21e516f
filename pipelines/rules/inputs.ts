/**
 * Contracts of what people hand the rules: appeals (filed on the command line or imported from CSV/JSON),
 * decisions with their corrections, acknowledgements, committee decisions and exclusions.
 */
import { z } from "zod";
import { PeriodLabel } from "../../core/periods.ts";

const Text = (what: string, max = 2000) => z.string().trim().min(1, `${what} is required`).max(max, `${what} is longer than ${max} characters`);
const AgentId = z.string().trim().min(1, "agent is required").max(64);

export const AppealInput = z.object({
  scheme: z.string().min(1).optional(),
  period: PeriodLabel,
  agent: AgentId,
  indicator: z.string().trim().min(1, "indicator is required (an indicator id of the scheme, for example csat)"),
  reason: Text("reason"),
  evidence: z
    .string()
    .trim()
    .max(500)
    .transform((s) => (s ? s : undefined))
    .optional(),
});
export type AppealInput = z.infer<typeof AppealInput>;

/** The correction an accepted appeal carries: always data about inputs, never a score. */
export const Correction = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("exclude_ticket"), ticket: z.string().min(1) }),
  z.object({ kind: z.literal("reattribute_ticket"), ticket: z.string().min(1), to_agent: AgentId }),
  z.object({ kind: z.literal("reattribute_csat"), response: z.string().min(1), to_agent: AgentId }),
  z.object({ kind: z.literal("correct_audit_score"), audit: z.string().min(1), score: z.number().min(0).max(100) }),
]);
export type Correction = z.infer<typeof Correction>;

/** `--correction exclude_ticket:TK-1`, `reattribute_ticket:TK-1:E1002`, `reattribute_csat:CS-9:E1002`, `correct_audit_score:QA-3:85` */
export function parseCorrection(text: string): unknown {
  const [kind, a, b] = text.split(":");
  switch (kind) {
    case "exclude_ticket":
      return { kind, ticket: a };
    case "reattribute_ticket":
      return { kind, ticket: a, to_agent: b };
    case "reattribute_csat":
      return { kind, response: a, to_agent: b };
    case "correct_audit_score":
      return { kind, audit: a, score: b === undefined ? undefined : Number(b) };
    default:
      return { kind };
  }
}

export const Decision = z
  .object({
    appeal: z.coerce.number().int().positive(),
    accept: z.boolean(),
    reason: Text("a reason for the decision"),
    correction: Correction.optional(),
  })
  .refine((d) => !d.accept || d.correction !== undefined, {
    message: "an accepted appeal needs its correction as data (--correction exclude_ticket:<ticket> and the like); scores are never typed in",
    path: ["correction"],
  })
  .refine((d) => d.accept || d.correction === undefined, { message: "a rejected appeal carries no correction", path: ["correction"] });

export const AckInput = z.object({
  scheme: z.string().min(1).optional(),
  period: PeriodLabel,
  agent: AgentId,
  note: z.string().trim().max(1000).optional(),
});

export const CommitteeInput = z.object({
  scheme: z.string().min(1).optional(),
  period: PeriodLabel,
  agent: AgentId,
  decision: z.enum(["retain", "extend_coaching", "reassign", "separation"]),
  members: Text("the committee members (department manager, HR, direct supervisor)", 500),
  note: z.string().trim().max(2000).optional(),
});

export const ExclusionInput = z
  .object({
    agent: AgentId,
    from: z.iso.date(),
    to: z.iso.date(),
    reason: Text("reason", 500),
  })
  .refine((x) => x.from <= x.to, { message: "from must not be after to", path: ["to"] });
