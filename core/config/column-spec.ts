/**
 * Where a canonical field's value comes from: one column of a mapping (data-loaders/mappings/*.yaml), or of an inline
 * mapping in the config file (`api_sources:` of kind http). Re-exported by data-loaders/mappings/schema.ts.
 */
import { z } from "zod";

/** Roster columns an agent reference can be matched on. */
export const AgentMatch = z.enum(["agent_id", "helpdesk_login", "email", "display_name"]);

/** Where a canonical field's value comes from. A bare string is a column name (CSV/Parquet) or a path (JSON). */
export const ColumnSpec = z.union([
  z.string().min(1),
  z
    .object({
      column: z.string().min(1).optional(),
      const: z.union([z.string(), z.number(), z.boolean()]).optional(),
      /** source value -> canonical value, compared without regard to case and surrounding spaces */
      values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
      /** used when the source value is empty */
      default: z.union([z.string(), z.number(), z.boolean()]).optional(),
      /** prepended to non-empty values, to keep ids of two helpdesks apart */
      prefix: z.string().optional(),
      /** this timestamp = the timestamp field `from` plus this many minutes (Zendesk's "First reply time in minutes") */
      plus_minutes: z.string().optional(),
      from: z.string().optional(),
      /** an id made from these columns (a hash of their values): for exports without a response id, such as a
       *  Google Forms sheet, where the same response exported again gets the same id */
      hash_of: z.array(z.string().min(1)).min(1).optional(),
      /** a JSON object made from several columns, key -> column, each value through values: (a survey's matrix
       *  question, one column per row: { tickets_resolved: "2(工单解决量)", csat: "2(客户满意度)" }) */
      object_of: z.record(z.string().min(1), z.string().min(1)).optional(),
      /** agent references: other columns of the export that name the same agent, by the roster column they are
       *  matched on ({email: Assignee email}); tried in agent_match order, the field's own column for the rest */
      match: z.partialRecord(AgentMatch, z.string().min(1)).optional(),
      /** a tags column that overrides the value: the first tag found wins ({column: Tags, values: {closed_by_merge:
       *  merged}}). Tags are split on spaces, commas and semicolons (a JSON array of tags works too) */
      from_tags: z.object({ column: z.string().min(1), values: z.record(z.string().min(1), z.string()) }).strict().optional(),
    })
    .strict()
    .refine((s) => [s.column, s.const, s.plus_minutes, s.hash_of, s.object_of].filter((x) => x !== undefined).length === 1, {
      message: "give exactly one of column, const, plus_minutes, hash_of or object_of",
    })
    .refine((s) => (s.plus_minutes === undefined) === (s.from === undefined), {
      message: "plus_minutes needs from: (the canonical timestamp field it is added to), and from needs plus_minutes",
    }),
]);
export type ColumnSpec = z.infer<typeof ColumnSpec>;
