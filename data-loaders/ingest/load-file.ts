/**
 * Load one export file into its canonical raw table, in one transaction: read the file with DuckDB's own
 * reader, map its columns, cast and check every value in SQL derived from the zod contract, and write all rows
 * to raw.<table> in the same pass; then quarantine the bad ones with record, line, field and reason, settle
 * duplicate keys and versions (a newer version replaces the older), and record the batch.
 * Loading the same file twice changes nothing.
 */
import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { appendAudit } from "../../core/audit.ts";
import { type Contract, contractFor } from "../../core/contracts/tables.ts";
import { fieldSpecs } from "../../core/contracts/to-sql.ts";
import { wallTimeFunction } from "../../core/db/local-time.ts";
import { ident, lit, type Warehouse } from "../../core/db/warehouse.ts";
import { readTimeoutMs, unreadableFile } from "../../core/file-access.ts";
import { msg } from "../../core/messages.ts";
import { FileError, mixedLineEndings, openSource, readError, type SourceFile } from "../files/read.ts";
import { type Mapping, mappingHash } from "../mappings/schema.ts";
import { recordOpinionTerms } from "../surveys/opinion-terms.ts";
import { buildAgentLookup, buildAgentLookupLists, dropAgentLookup } from "./agent-lookup.ts";
import { checkedSelectSql } from "./check-sql.ts";
import { fileSha256 } from "./file-hash.ts";
import { absentColumns, buildPlans, readerTypesFor } from "./plan.ts";
import { type RecheckResult, recheckAgentReferences } from "./recheck.ts";
import { QUARANTINE_COLUMNS, settleBatch } from "./settle.ts";

export interface LoadOptions {
  file: string;
  source: string;
  mapping: Mapping & { name: string };
  /** load even when this exact file was loaded before */
  force?: boolean;
  /** called with a phase name, for progress display */
  onPhase?: (phase: string) => void;
  /** DuckDB's progress (0-100) of reading and checking the file */
  onProgress?: (percent: number) => void;
  /** what the batch and its quarantine lines name as the file (an API page's URL instead of a temp file) */
  origin?: string;
  /** read only the first this many records of the file (`appraisal mapping check`'s dry run) */
  limit?: number;
  /** the moment of the load (tests pass a fixed one): records dated after it are in the future */
  now?: Date;
  /** extra work inside the batch's transaction, after its rows are settled (an API source commits its cursor
   *  here, so that the cursor and the rows it covers land together or not at all) */
  inTransaction?: (batchId: number) => Promise<void>;
}

export interface BatchSummary {
  file: string;
  source: string;
  table: string;
  batchId: number | null;
  status: "loaded" | "skipped" | "failed";
  encoding?: string;
  rowsRead: number;
  inserted: number;
  replaced: number;
  unchanged: number;
  superseded: number;
  quarantined: number;
  /** a roster batch: rows quarantined for their agent references, checked again, and how many are in force now */
  rechecked?: RecheckResult;
  /** a few quarantine lines for the console */
  problems: string[];
  /** set when the file's line endings were made the same before reading (mixed CRLF and LF) */
  lineEndings?: string;
  message?: string;
}

/**
 * The file's sha256. A read that waits longer than `timeoutMs` for its next bytes (a share that stopped answering)
 * fails with a FileError at once, rather than when the blocked read returns.
 */
export function sha256File(file: string, timeoutMs = readTimeoutMs()): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    const stream = createReadStream(file, { highWaterMark: 4 * 1024 * 1024 });
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        reject(new FileError(msg.readStalled(file, Number((timeoutMs / 1000).toFixed(1)))));
        stream.destroy();
      }, timeoutMs);
    };
    arm();
    stream.on("data", (chunk) => {
      hash.update(chunk as Buffer);
      arm();
    });
    stream.on("end", () => {
      clearTimeout(timer);
      resolve(hash.digest("hex"));
    });
    stream.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export async function loadFile(wh: Warehouse, opts: LoadOptions): Promise<BatchSummary> {
  const { file, mapping } = opts;
  const source_ = opts.source;
  const shownFile = opts.origin ?? file;
  const contract = contractFor(mapping.table);
  const summary: BatchSummary = {
    file: shownFile,
    source: source_,
    table: contract.table,
    batchId: null,
    status: "loaded",
    rowsRead: 0,
    inserted: 0,
    replaced: 0,
    unchanged: 0,
    superseded: 0,
    quarantined: 0,
    problems: [],
  };
  const startedAt = opts.now ?? new Date();
  opts.onPhase?.("reading");
  // only a regular, readable file is opened: a FIFO or device would block the read (and the warehouse) for good
  const refused = unreadableFile(file);
  if (refused) return recordFailedFile(wh, summary, opts, "", startedAt, refused);
  // when the export was written: the batch covers its source up to then (see meta.batch_coverage)
  const modified = statSync(file).mtime;
  // a file loaded before (same bytes, table and mapping) is skipped before it is opened: no sniffing, no decoding;
  // a file that looks on disk as when it was last hashed is not even read (file-hash.ts)
  let sha: string;
  try {
    sha = (await fileSha256(wh, file, (f) => sha256File(f))).sha256;
  } catch (e) {
    if (e instanceof FileError) return recordFailedFile(wh, summary, opts, "", startedAt, e.message);
    throw e;
  }
  const mappingSha = mappingHash(mapping);
  // the same file under the same mapping (by name and definition) was loaded before: skipped. Under a changed
  // definition it is read again and replaces what it gave (batches from before mapping hashes: unchanged).
  const previous = await wh.all<{ batch_id: number; mapping_sha256: string | null }>(
    "SELECT batch_id, mapping_sha256 FROM meta.batches WHERE file_sha256 = $sha AND target_table = $t AND mapping = $m AND rows_read >= 0 ORDER BY batch_id",
    { sha, t: contract.table, m: mapping.name },
  );
  const sameMapping = previous.filter((p) => p.mapping_sha256 === null || p.mapping_sha256 === mappingSha);
  if (sameMapping.length && !opts.force) {
    const first = sameMapping[0]!.batch_id;
    return { ...summary, status: "skipped", batchId: first, message: `already loaded as batch ${first}` };
  }
  const mappingChanged = previous.length > 0 && sameMapping.length === 0;
  const specs = fieldSpecs(contract.schema);
  const readerTypes = readerTypesFor(mapping, specs);
  // a CSV whose lines end both ways (CRLF and LF) is read again from a copy with LF only (see mixedLineEndings)
  try {
    return await loadOnce(false);
  } catch (e) {
    if (!(e instanceof FileError)) throw e;
    if (!(mixedLineEndings(e) && (mapping.format === "csv" || mapping.format === "tsv"))) return recordFailedFile(wh, summary, opts, sha, startedAt, e.message);
  }
  try {
    const loaded = await loadOnce(true);
    if (loaded.status === "loaded") loaded.lineEndings = "mixed CRLF/LF, read as LF";
    return loaded;
  } catch (e) {
    if (e instanceof FileError) return recordFailedFile(wh, summary, opts, sha, startedAt, e.message);
    throw e;
  }

  /** Open and load the file once; a FileError (the file cannot be read as a whole) is thrown for the caller. */
  async function loadOnce(normalizeLineEndings: boolean): Promise<BatchSummary> {
  const source: SourceFile = await openSource(wh, file, mapping, readerTypes, { normalizeLineEndings });
  try {
    summary.encoding = source.encoding;
    const hasHeader = mapping.format === "csv" || mapping.format === "tsv" || mapping.format === "parquet";
    const absent = absentColumns(mapping, specs, hasHeader ? source.columns : null);
    if (absent.fatal.length) return recordFailedFile(wh, summary, opts, sha, startedAt, msg.missingColumns(file, absent.fatal, source.columns));
    const plans = buildPlans(mapping, specs, readerTypes, absent.empty);
    const raw = `raw.${contract.table}`;
    // naive times are read through a macro made from the zone's offsets, not ICU for every value (core/db/local-time.ts)
    const wallTime = plans.some((p) => p.spec.kind === "timestamp") ? await wallTimeFunction(wh, mapping.timezone, startedAt) : undefined;
    let batchId = 0;
    try {
      return await wh.transaction(async () => {
        batchId = Number(await wh.value("SELECT nextval('meta.batch_seq')"));
        summary.batchId = batchId;
        const lookup = `agent_lookup_${batchId}`;
        await buildAgentLookup(wh, mapping.agent_match, lookup);
        await buildAgentLookupLists(wh, lookup);
        // the file was loaded before (forced, or under a changed mapping): its earlier batches give way
        const gone = previous.length
          ? await supersedeBatches(wh, contract, previous.map((p) => p.batch_id), batchId, mappingChanged)
          : undefined;
        const tableHadRows = Number(await wh.value(`SELECT count(*) FROM (SELECT 1 FROM ${raw} LIMIT 1)`)) > 0;

        opts.onPhase?.("checking");
        const cols = specs.map((f) => ident(f.name)).join(", ");
        try {
          await wh.runWithProgress(
            `INSERT INTO ${raw} (${cols}, _batch_id, _record, _current, _bad, _problems)
            SELECT ${cols}, ${batchId}, _record, NOT _bad, _bad, _problems
            FROM (${checkedSelectSql(source, contract, plans, mapping, lookup, startedAt, wallTime)})${opts.limit ? ` LIMIT ${Math.floor(opts.limit)}` : ""}`,
            opts.onProgress,
          );
        } catch (e) {
          throw readError(file, e);
        }
        // CSV rows are written in the order they were read: a row's position among them (from its rowid) is its
        // record number, counting the rows DuckDB rejected before it. Rowids of rows written in a transaction lie
        // beyond 2^53: kept as text, used in SQL only
        const firstRowid = String(await wh.value(`SELECT coalesce(min(rowid), 0) FROM ${raw} WHERE _batch_id = ${batchId}`));
        const read = await source.afterRead();
        const { recordOf } = read;
        // a dry run on the first records: the reader's rejects past them are not part of it
        const rejects = opts.limit ? read.rejects.filter((r, i) => r.line === null || r.line - (source.firstDataLine - 1) <= opts.limit! + i) : read.rejects;
        summary.rowsRead = Number(await wh.value(`SELECT count(*) FROM ${raw} WHERE _batch_id = ${batchId}`)) + rejects.length;

        opts.onPhase?.("quarantine");
        const fieldOfColumn = (col: string | null) =>
          col === null ? "(row)" : (plans.find((p) => p.typedColumn?.name === col)?.spec.name ?? `(column ${col})`);
        for (const r of rejects) {
          await wh.run(`INSERT INTO meta.quarantine (${QUARANTINE_COLUMNS}) VALUES ($b, $s, $f, $t, $rec, $line, $field, $v, $reason, NULL, NULL)`, {
            b: batchId,
            s: source_,
            f: shownFile,
            t: contract.table,
            rec: r.record,
            line: r.line,
            field: fieldOfColumn(r.column),
            v: r.text?.slice(0, 200) ?? null,
            reason: r.reason,
          });
        }
        if (source.undecodable > 0) {
          await wh.run(`INSERT INTO meta.quarantine (${QUARANTINE_COLUMNS}) VALUES ($b, $s, $f, $t, NULL, NULL, '(encoding)', NULL, $reason, NULL, NULL)`, {
            b: batchId,
            s: source_,
            f: shownFile,
            t: contract.table,
            reason: msg.undecodable(source.undecodable, source.encoding),
          });
        }
        if (mapping.format === "json" || mapping.format === "ndjson") {
          summary.rowsRead += await wh.exec(`INSERT INTO meta.quarantine (${QUARANTINE_COLUMNS})
            SELECT ${batchId}, ${lit(source_)}, ${lit(shownFile)}, ${lit(contract.table)}, _record, _line, '(row)', left(_bad, 200), _why, NULL, NULL
            FROM ${source.from} WHERE _bad IS NOT NULL${opts.limit ? ` AND _record <= ${Math.floor(opts.limit)}` : ""}`);
        }

        opts.onPhase?.("settling");
        const result = await settleBatch(
          wh,
          contract,
          specs,
          {
            batchId,
            source: source_,
            file: shownFile,
            table: contract.table,
            recordOf,
            firstRowid,
            lineOf: source.lineOf,
            linesOfRecords: source.linesOfRecords,
            extraKeys: gone,
          },
          tableHadRows || gone !== undefined,
        );
        Object.assign(summary, result);
        if (gone) await wh.run(`DROP TABLE ${gone}`);
        // CSV: the physical line of every quarantined record, exact after quoted line breaks and blank lines
        if (source.linesOfRecords) await fillLines(wh, batchId, source.linesOfRecords);
        summary.quarantined = Number(
          await wh.value("SELECT count(DISTINCT coalesce(record, -line)) FROM meta.quarantine WHERE batch_id = $b", { b: batchId }),
        );
        summary.problems = (
          await wh.all<{ record: number | null; line: number | null; field: string; reason: string; value: string | null; related_record: number | null; related_line: number | null }>(
            "SELECT record, line, field, reason, value, related_record, related_line FROM meta.quarantine WHERE batch_id = $b ORDER BY coalesce(line, record), field LIMIT 5",
            { b: batchId },
          )
        ).map((p) => {
          // the operator's terminal may show the value (the reason itself never carries it)
          const extra = `${p.value !== null ? ` (got "${p.value.length > 60 ? `${p.value.slice(0, 57)}...` : p.value}")` : ""}${p.related_line !== null ? ` (kept: line ${p.related_line})` : p.related_record !== null ? ` (kept: record ${p.related_record})` : ""}`;
          return p.line === null && p.record === null
            ? `${shownFile}: ${p.reason}`
            : `${shownFile} ${p.line !== null ? `line ${p.line}` : `record ${p.record}`}, field ${p.field}: ${p.reason}${extra}`;
        });
        await wh.run(
          `INSERT INTO meta.batches ${BCOLS} VALUES ($b, $source, $t, $file, $sha, $mapping, $enc, $read, $ins, $rep, $unch, $sup, $quar, $start, current_timestamp, $msha)`,
          {
            msha: mappingSha,
            b: batchId,
            source: source_,
            t: contract.table,
            file: shownFile,
            sha,
            mapping: mapping.name,
            enc: source.encoding,
            read: summary.rowsRead,
            ins: summary.inserted,
            rep: summary.replaced,
            unch: summary.unchanged,
            sup: summary.superseded,
            quar: summary.quarantined,
            start: startedAt.toISOString(),
          },
        );
        // an earlier attempt at this file that could not be read is settled by this load
        await wh.run(
          `UPDATE meta.quarantine SET resolved_at = current_timestamp, resolution = $r
           WHERE resolved_at IS NULL AND field = '(file)' AND source = $s AND file = $f AND target_table = $t`,
          { r: `the file was read since (batch ${batchId})`, s: source_, f: shownFile, t: contract.table },
        );
        // how far this batch covers its source: an export up to when it was written (never after its load)
        await wh.run("INSERT INTO meta.batch_coverage VALUES ($b, $to::TIMESTAMPTZ, $basis)", {
          b: batchId,
          to: (opts.origin || modified >= startedAt ? startedAt : modified).toISOString(),
          basis: opts.origin ? "fetched" : modified < startedAt ? "file modified" : "loaded",
        });
        await appendAudit(wh, {
          action: "ingest",
          subject: file,
          detail: {
            batch_id: batchId,
            source: source_,
            table: contract.table,
            sha256: sha,
            rows_read: summary.rowsRead,
            inserted: summary.inserted,
            replaced: summary.replaced,
            quarantined: summary.quarantined,
          },
        });
        await dropAgentLookup(wh, lookup);
        // a changed roster: rows quarantined for their agent references are checked again
        if (contract.table === "agents" && summary.inserted + summary.replaced > 0) {
          opts.onPhase?.("re-checking");
          summary.rechecked = await recheckAgentReferences(wh, `roster batch ${batchId}`);
        }
        // the opinion survey's free text, cut into words for the themes (never published as text)
        if (contract.table === "opinion_survey") await recordOpinionTerms(wh, batchId);
        if (opts.inTransaction) {
          opts.onPhase?.("committing");
          await opts.inTransaction(batchId);
        }
        return summary;
      });
    } catch (e) {
      await dropAgentLookup(wh, `agent_lookup_${batchId}`).catch(() => {});
      throw e;
    }
  } finally {
    await source.cleanup();
  }
  }
}

/** the columns of meta.batches that ingest writes, by name */
const BCOLS = `(batch_id, source, target_table, file, file_sha256, mapping, encoding, rows_read, rows_inserted, rows_replaced,
  rows_unchanged, rows_superseded, rows_quarantined, started_at, finished_at, mapping_sha256)`;

/**
 * Earlier batches of the same file give way to its new load: their open quarantine lines are resolved (the new load
 * reports again whatever is still wrong, so nothing is counted twice) and their quarantined rows go. Under a changed
 * mapping their rows go too (they were read wrongly): the keys they held are returned, to be settled again.
 */
async function supersedeBatches(wh: Warehouse, contract: Contract, batches: number[], batchId: number, replace: boolean): Promise<string | undefined> {
  const raw = `raw.${contract.table}`;
  const list = batches.join(", ");
  await wh.run(
    `UPDATE meta.quarantine SET resolved_at = current_timestamp, resolution = $r WHERE batch_id IN (${list}) AND resolved_at IS NULL`,
    { r: `reported again by batch ${batchId}: the same file loaded again${replace ? " under a changed mapping" : ""}` },
  );
  if (!replace) {
    await wh.run(`DELETE FROM ${raw} WHERE _batch_id IN (${list}) AND _bad`);
    return undefined;
  }
  const keyList = contract.key.map(ident).join(", ");
  const gone = `gone_${batchId}`;
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${gone} AS SELECT DISTINCT ${keyList} FROM ${raw} WHERE _batch_id IN (${list}) AND NOT _bad`);
  await wh.run(`DELETE FROM ${raw} WHERE _batch_id IN (${list})`);
  return gone;
}

/** Fill the physical line of this batch's quarantine lines that name a record but no line yet (CSV). */
async function fillLines(wh: Warehouse, batchId: number, linesOf: (records: number[]) => Promise<Map<number, number>>): Promise<void> {
  const records = (
    await wh.all<{ record: number }>("SELECT DISTINCT record FROM meta.quarantine WHERE batch_id = $b AND record IS NOT NULL AND line IS NULL", { b: batchId })
  ).map((r) => r.record);
  if (!records.length) return;
  const lines = await linesOf(records);
  const pairs = [...lines].map(([r, l]) => `(${r}, ${l})`);
  if (!pairs.length) return;
  await wh.run(`UPDATE meta.quarantine q SET line = x.line FROM (VALUES ${pairs.join(", ")}) x(record, line)
    WHERE q.batch_id = ${batchId} AND q.record = x.record AND q.line IS NULL`);
}

/** The longest reason kept: a file-level message can quote a header, and a 200 MB header is not a reason. */
export const MAX_REASON_CHARS = 2000;
export const capReason = (text: string) => (text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text);

/** A file that cannot be read at all is recorded as a batch with one quarantine line, so status shows it. */
async function recordFailedFile(
  wh: Warehouse,
  summary: BatchSummary,
  opts: LoadOptions,
  sha: string,
  startedAt: Date,
  message: string,
): Promise<BatchSummary> {
  await wh.transaction(async () => {
    const batchId = Number(await wh.value("SELECT nextval('meta.batch_seq')"));
    summary.batchId = batchId;
    await wh.run(`INSERT INTO meta.quarantine (${QUARANTINE_COLUMNS}) VALUES ($b, $s, $f, $t, NULL, NULL, '(file)', NULL, $reason, NULL, NULL)`, {
      b: batchId,
      s: opts.source,
      f: opts.origin ?? opts.file,
      t: summary.table,
      reason: capReason(message),
    });
    await appendAudit(wh, {
      action: "ingest",
      subject: opts.file,
      detail: { batch_id: batchId, source: opts.source, table: summary.table, sha256: sha, failed: message },
    });
    // rows_read = -1 marks a failed file: it is not 'already loaded' and is tried again next time
    await wh.run(
      `INSERT INTO meta.batches ${BCOLS} VALUES ($b, $s, $t, $f, $sha, $m, NULL, -1, 0, 0, 0, 0, 0, $start, current_timestamp, $msha)`,
      { b: batchId, s: opts.source, t: summary.table, f: opts.origin ?? opts.file, sha, m: opts.mapping.name, start: startedAt.toISOString(), msha: mappingHash(opts.mapping) },
    );
  });
  return { ...summary, status: "failed", message: capReason(message) };
}
