/**
 * Config of the drop folder (`drop_folder:` in appraisal.config.yaml): survey exports (CSAT, 360 reviews, the
 * cross-department survey) saved there are picked up on each ingest run, matched to a mapping by file name.
 */
import { z } from "zod";

export const DropRule = z
  .object({
    /** a file-name pattern with * and ? ("问卷星-满意度-*.csv") */
    match: z.string().min(1),
    /** a mapping name under data-loaders/mappings (surveys/wenjuanxing-csat) or a path to a mapping file */
    mapping: z.string().min(1),
    /** the source name batches are recorded under (default: drop-<mapping's table>) */
    source: z.string().regex(/^[a-z][a-z0-9_-]*$/).optional(),
  })
  .strict();

export const DropFolder = z
  .object({
    path: z.string().min(1),
    /** loaded files move here (under a dated folder), so the drop folder shows what is still to do */
    done: z.string().default("done"),
    /** files that could not be read move here, with a .error.txt beside them */
    failed: z.string().default("failed"),
    /** a file is picked up only when unchanged for this long (a copy in progress is left for the next run) */
    settle_seconds: z.number().min(0).max(3600).default(30),
    rules: z.array(DropRule).min(1),
  })
  .strict();
export type DropFolder = z.infer<typeof DropFolder>;
