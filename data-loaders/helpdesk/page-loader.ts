/**
 * From API pages to the warehouse: records (already checked page by page with zod) are buffered, a record seen
 * twice (overlapping pages, a repeated page, a retry) is kept once (its newest version), and every
 * `batch_records` records the buffer is written as NDJSON and loaded through the one file loader
 * (data-loaders/ingest/load-file.ts) with the source's mapping: the bulk checks, quarantine and versioning
 * stay in one place, and the source's cursor is committed in the same transaction as the rows it covers.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Warehouse } from "../../core/db/warehouse.ts";
import type { BatchSummary } from "../ingest/load-file.ts";
import { loadFile } from "../ingest/load-file.ts";
import type { Mapping } from "../mappings/schema.ts";
import { type Cursor, writeCursor } from "./cursor.ts";

export type ApiRecord = Record<string, unknown>;

export interface BufferOptions {
  source: string;
  stream: string;
  mapping: Mapping & { name: string };
  /** a record's identity */
  idOf: (r: ApiRecord) => string;
  /** a record's version (ISO time); the newer of two copies is kept */
  versionOf?: (r: ApiRecord) => string | null;
  batchRecords: number;
  onBatch?: (summary: BatchSummary) => void;
}

export class RecordBuffer {
  private records = new Map<string, ApiRecord>();
  private pages: string[] = [];
  private dir = mkdtempSync(path.join(tmpdir(), "appraisal-api-"));
  private flushes = 0;
  /** records fetched, counting repeats */
  fetched = 0;
  /** repeats dropped before loading */
  repeats = 0;
  readonly batches: BatchSummary[] = [];

  constructor(
    private readonly wh: Warehouse,
    private readonly opts: BufferOptions,
  ) {}

  get size(): number {
    return this.records.size;
  }

  get full(): boolean {
    return this.records.size >= this.opts.batchRecords;
  }

  add(records: ApiRecord[], pageUrl: string): void {
    this.pages.push(pageUrl);
    for (const r of records) {
      this.fetched++;
      const id = this.opts.idOf(r);
      const seen = this.records.get(id);
      if (seen) {
        this.repeats++;
        const v = this.opts.versionOf;
        if (v && (v(r) ?? "") <= (v(seen) ?? "")) continue;
      }
      this.records.set(id, r);
    }
  }

  /** Load the buffered records and commit `cursor` with them, in one transaction. */
  async flush(cursor: Cursor): Promise<void> {
    const n = this.records.size;
    const origin = `${this.opts.source}:${this.opts.stream} ${this.pages[0] ?? ""}${this.pages.length > 1 ? ` (+${this.pages.length - 1} pages)` : ""}`;
    if (n === 0) {
      await this.wh.transaction(() => writeCursor(this.wh, this.opts.source, this.opts.stream, cursor, 0));
    } else {
      const file = path.join(this.dir, `${this.opts.stream}-${++this.flushes}.ndjson`);
      writeFileSync(file, `${[...this.records.values()].map((r) => JSON.stringify(r)).join("\n")}\n`);
      const summary = await loadFile(this.wh, {
        file,
        origin,
        source: this.opts.source,
        mapping: this.opts.mapping,
        force: true,
        inTransaction: () => writeCursor(this.wh, this.opts.source, this.opts.stream, cursor, n),
      });
      rmSync(file, { force: true });
      if (summary.status === "failed") throw new Error(`${origin}: ${summary.message ?? "could not be loaded"}; the cursor was not advanced`);
      this.batches.push(summary);
      this.opts.onBatch?.(summary);
    }
    this.records.clear();
    this.pages = [];
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
