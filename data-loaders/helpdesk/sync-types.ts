import type { Warehouse } from "../../core/db/warehouse.ts";
import type { BatchSummary } from "../ingest/load-file.ts";

export interface SyncContext {
  wh: Warehouse;
  /** the department's time zone */
  timezone: string;
  /** the config's folder, for mapping paths */
  baseDir: string;
  log: (line: string) => void;
  /** a transient progress line (pages fetched) */
  progress?: (line: string) => void;
  onBatch?: (summary: BatchSummary) => void;
}

export interface StreamResult {
  source: string;
  stream: string;
  pages: number;
  /** records fetched, counting repeats across pages and retries */
  fetched: number;
  /** repeats dropped before loading */
  repeats: number;
  batches: BatchSummary[];
}
