/** How ingest tells its caller what it is doing (the CLI draws progress bars; the scheduler logs; tests stay silent). */
import type { BatchSummary } from "./load-file.ts";

export interface IngestReporter {
  start(total: number): void;
  file(name: string, phase: string, percent?: number): void;
  done(summary: BatchSummary): void;
  /** a line worth keeping in the log (API sources: what is fetched, retries) */
  log?(line: string): void;
}

export const silentReporter: IngestReporter = { start() {}, file() {}, done() {} };
