/**
 * Read one export file into a temporary DuckDB table of text columns, with DuckDB's own readers:
 * read_csv (with a rejects table for malformed lines), NDJSON as lines (so a bad line keeps its line number),
 * read_json_objects for JSON documents, read_parquet. Nothing is parsed row by row in JavaScript.
 */
import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse as parseCsv } from "csv-parse/sync";
import { ident, lit, type Warehouse } from "../../pipelines/db/warehouse.ts";
import { msg } from "../../pipelines/messages.ts";
import type { Mapping } from "../mappings/schema.ts";
import { detectEncoding, type Encoding, transcodeToUtf8 } from "./encoding.ts";

export interface Reject {
  line: number | null;
  /** the source column that did not convert (CAST errors), else null: the row as a whole is malformed */
  column: string | null;
  reason: string;
  /** the offending value, or the raw line */
  text: string | null;
}

const TYPE_WORDS: Record<string, string> = {
  TIMESTAMP: "a date and time",
  TIMESTAMPTZ: "a date and time",
  DATE: "a date",
  DOUBLE: "a number",
};

function castValue(message: string): string | null {
  return /Could not convert string "(.*)" to '/s.exec(message)?.[1] ?? null;
}

/**
 * A readable export file: `from` is a SQL relation with one VARCHAR column per source column (CSV/Parquet) or
 * `_json` and `_bad` (JSON formats). JSON and Parquet relations carry `_record` (1-based) and `_line`; a CSV relation
 * is read straight into the checked table (materializing millions of text rows first would double the cost), and
 * its record numbers come from that table's row order (`recordsFromRowid`), corrected by `afterRead` for rows
 * DuckDB rejected.
 */
export interface SourceFile {
  from: string;
  columns: string[];
  encoding: Encoding | "binary";
  /** characters that were not valid in the file's encoding and were replaced by U+FFFD */
  undecodable: number;
  recordsFromRowid: boolean;
  /** physical line of record 1 (CSV) */
  firstDataLine: number;
  /** after the relation was read: the malformed rows, and SQL turning a row's position among the rows that were
   *  read (1-based) into its record number in the file, counting the rejected rows before it */
  afterRead: () => Promise<{ rejects: Reject[]; recordOf: (position: string) => string }>;
  cleanup: () => Promise<void>;
}

export class FileError extends Error {}

let tempCounter = 0;
const MAX_LINE_BYTES = 8 * 1024 * 1024;

function firstBytes(file: string, n: number): Buffer {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** The header row of a UTF-8 CSV file, parsed with csv-parse (DuckDB needs the column list up front). */
function csvHeader(file: string, delimiter: string, quote: string, skip: number): string[] {
  const head = firstBytes(file, 1024 * 1024).toString("utf8").replace(/^\uFEFF/, "");
  const rows = parseCsv(head, {
    delimiter,
    quote: quote || false,
    from_line: skip + 1,
    to_line: skip + 1,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
  }) as string[][];
  const header = rows[0] ?? [];
  return header.map((h) => h.trim());
}

/** Make header names unique (DuckDB needs that): a repeated "Name" becomes "Name_2". */
function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n, i) => {
    const base = n === "" ? `column${i + 1}` : n;
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return k === 1 ? base : `${base}_${k}`;
  });
}

/** DuckDB types for CSV columns that the reader itself converts (its rejects table catches what does not convert). */
export interface ReaderTypes {
  columns: Record<string, "TIMESTAMP" | "TIMESTAMPTZ" | "DATE" | "DOUBLE">;
  timestampFormat?: string;
  dateFormat?: string;
}

export interface OpenOptions {
  /** read a copy with every CRLF turned into LF (a file whose lines end both ways; see `mixedLineEndings`) */
  normalizeLineEndings?: boolean;
}

/**
 * Whether DuckDB refused a CSV because its lines end both ways (CRLF and LF), which its strict reader reports as
 * "the CSV Parser state machine reached an invalid state". DuckDB's non-strict mode reads such a file, but it also
 * silently cuts a row with too many columns down to the header's width, so the loader instead reads a copy with the
 * line endings made the same (lines keep their numbers) with the strict reader: every malformed row stays a reject.
 */
export const mixedLineEndings = (e: unknown) => /state machine reached an invalid state/i.test((e as Error)?.message ?? "");

export async function openSource(wh: Warehouse, file: string, mapping: Mapping, readerTypes?: ReaderTypes, opts: OpenOptions = {}): Promise<SourceFile> {
  const size = statSync(file).size;
  const id = `${process.pid}_${++tempCounter}`;
  const tmp = mkdtempSync(path.join(tmpdir(), "appraisal-"));
  const tables: string[] = [];
  const cleanup = async () => {
    rmSync(tmp, { recursive: true, force: true });
    for (const t of tables) await wh.run(`DROP TABLE IF EXISTS ${t}`).catch(() => {});
  };
  const noRejects = async () => ({ rejects: [] as Reject[], recordOf: (position: string) => position });
  try {
    if (mapping.format === "parquet") {
      const from = `(SELECT file_row_number + 1 AS _record, CAST(NULL AS BIGINT) AS _line, COLUMNS(c -> c <> 'file_row_number')::VARCHAR
        FROM read_parquet(${lit(file)}, file_row_number = true))`;
      let columns: string[];
      try {
        columns = (await wh.all<{ column_name: string }>(`DESCRIBE SELECT * FROM read_parquet(${lit(file)})`)).map((r) => r.column_name);
      } catch (e) {
        throw new FileError(`${file}: not a readable Parquet file: ${(e as Error).message.split("\n")[0]}`);
      }
      return { from, columns, encoding: "binary", undecodable: 0, recordsFromRowid: false, firstDataLine: 0, afterRead: noRejects, cleanup };
    }

    if (size === 0) throw new FileError(msg.emptyFile(file));
    const encoding = detectEncoding(file, mapping.encoding);
    let utf8File = file;
    let undecodable = 0;
    if (encoding !== "utf-8") {
      utf8File = path.join(tmp, "utf8");
      undecodable = await transcodeToUtf8(file, encoding, utf8File);
    }
    if (opts.normalizeLineEndings) {
      const lf = path.join(tmp, "lf");
      await crlfToLf(utf8File, lf);
      utf8File = lf;
    }

    if (mapping.format === "ndjson" || mapping.format === "json") {
      const table = `src_${id}`;
      tables.push(table, `${table}_lines`);
      await readJson(wh, table, utf8File, mapping);
      return { from: table, columns: [], encoding, undecodable, recordsFromRowid: false, firstDataLine: 1, afterRead: noRejects, cleanup };
    }

    // CSV / TSV
    const delimiter = mapping.delimiter ?? (mapping.format === "tsv" ? "\t" : ",");
    const header = csvHeader(utf8File, delimiter, mapping.quote, mapping.skip_lines);
    if (header.length === 0 || (header.length === 1 && header[0] === "")) throw new FileError(msg.emptyFile(file));
    const names = uniqueNames(header);
    const typeOf = (n: string) => readerTypes?.columns[n] ?? "VARCHAR";
    const columns = `{${names.map((n) => `${lit(n)}: '${typeOf(n)}'`).join(", ")}}`;
    const formats = [
      readerTypes?.timestampFormat ? `timestampformat = ${lit(readerTypes.timestampFormat)}` : "",
      readerTypes?.dateFormat ? `dateformat = ${lit(readerTypes.dateFormat)}` : "",
    ].filter(Boolean);
    const rejectsTable = `rej_${id}`;
    const rejectsScan = `rejscan_${id}`;
    tables.push(rejectsTable, rejectsScan);
    const quoteOpt = mapping.quote ? `quote = ${lit(mapping.quote)}, escape = ${lit(mapping.quote)}` : "quote = '', escape = ''";
    const from = `read_csv(${lit(utf8File)}, header = true, skip = ${mapping.skip_lines}, delim = ${lit(delimiter)}, ${quoteOpt},
          columns = ${columns}, auto_detect = false, null_padding = false, strict_mode = true,${formats.map((f) => ` ${f},`).join("")}
          max_line_size = ${MAX_LINE_BYTES}, store_rejects = true, rejects_table = ${lit(rejectsTable)},
          rejects_scan = ${lit(rejectsScan)}, rejects_limit = 0)`;
    const firstDataLine = mapping.skip_lines + 2;
    const gaps = `gaps_${id}`;
    const afterRead = async () => {
      const rows = await wh.all<{ line: number; column_name: string | null; error_type: string; error_message: string; csv_line: string | null }>(
        `SELECT line, column_name, error_type, error_message, csv_line FROM ${rejectsTable} ORDER BY line, column_idx`,
      );
      let recordOf = (position: string) => position;
      if (rows.length > 0) {
        // A rejected row is missing from the rows read; each good row's record number counts the rejects before it.
        tables.push(gaps);
        await wh.run(`CREATE OR REPLACE TEMP TABLE ${gaps} AS
          SELECT idx - row_number() OVER (ORDER BY idx) AS good_before
          FROM (SELECT DISTINCT line - ${firstDataLine - 1} AS idx FROM ${rejectsTable})`);
        recordOf = (position: string) => `(${position} + (SELECT count(*) FROM ${gaps} g WHERE g.good_before < ${position}))`;
      }
      // DuckDB may report a short row once per missing column: keep the first report of a malformed line
      const seen = new Set<string>();
      const distinct = rows.filter((r) => {
        const k = r.error_type === "CAST" ? `${r.line}|${r.column_name}` : `${r.line}|row`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      const rejects = distinct.map((r) => ({
        line: r.line,
        column: r.error_type === "CAST" ? r.column_name : null,
        reason: describeReject(r.error_type, r.error_message, r.column_name ? typeOf(r.column_name) : "VARCHAR"),
        text: r.error_type === "CAST" ? castValue(r.error_message) : r.csv_line,
      }));
      return { rejects, recordOf };
    };
    return { from, columns: names, encoding, undecodable, recordsFromRowid: true, firstDataLine, afterRead, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** Copy `file` to `out` with every CRLF turned into LF (streaming; a CR split across two chunks is handled). */
async function crlfToLf(file: string, out: string): Promise<void> {
  let pendingCr = false;
  const strip = new Transform({
    transform(chunk: Buffer, _enc, done) {
      let buf = pendingCr ? Buffer.concat([Buffer.from([0x0d]), chunk]) : chunk;
      pendingCr = buf.length > 0 && buf[buf.length - 1] === 0x0d;
      if (pendingCr) buf = buf.subarray(0, buf.length - 1);
      const parts: Buffer[] = [];
      let from = 0;
      for (let i = buf.indexOf(0x0d); i !== -1; i = buf.indexOf(0x0d, i + 1)) {
        if (buf[i + 1] === 0x0a) {
          parts.push(buf.subarray(from, i));
          from = i + 1;
        }
      }
      parts.push(buf.subarray(from));
      done(null, Buffer.concat(parts));
    },
    flush(done) {
      done(null, pendingCr ? Buffer.from([0x0d]) : Buffer.alloc(0));
    },
  });
  await pipeline(createReadStream(file), strip, createWriteStream(out));
}

/** Turn DuckDB's read errors into a message about the file. */
export function readError(file: string, e: unknown): FileError {
  const text = (e as Error).message;
  if (/unicode|utf-?8/i.test(text)) return new FileError(msg.notUtf8(file));
  return new FileError(`${file}: DuckDB could not read the file: ${text.split("\n")[0]}`);
}

/** A malformed row's reason, generic: the offending value or line is kept in the quarantine's value column, never here. */
function describeReject(type: string, message: string, columnType: string): string {
  switch (type) {
    case "CAST":
      return `expected ${TYPE_WORDS[columnType] ?? columnType.toLowerCase()}`;
    case "MISSING COLUMNS":
    case "TOO MANY COLUMNS": {
      const m = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
      return m ? `ragged row: expected ${m[1]} columns, found ${m[2]}` : "ragged row: a different number of columns than the header";
    }
    case "LINE SIZE OVER MAXIMUM":
      return `the row is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB (a huge field?); split or trim it`;
    case "UNQUOTED VALUE":
    case "UNTERMINATED QUOTES":
      return "broken quoting: a quoted value is not closed, or a value holds a stray quote";
    case "INVALID UNICODE":
    case "INVALID ENCODING":
      return "invalid characters for the file's encoding; set 'encoding:' in the mapping";
    default:
      return `the row could not be read (${type.toLowerCase()})`;
  }
}

async function readJson(wh: Warehouse, table: string, file: string, mapping: Mapping): Promise<void> {
  const pathExpr = mapping.records_path ? `${mapping.records_path.replace(/\[\*\]$/, "")}[*]` : null;
  if (mapping.format === "ndjson") {
    // Each line is read as text so that a malformed line keeps its line number and is reported, not skipped.
    await wh.run(`CREATE OR REPLACE TEMP TABLE ${table}_lines AS
      SELECT row_number() OVER () AS _line, line AS _text
      FROM read_csv(${lit(file)}, columns = {'line': 'VARCHAR'}, header = false, delim = E'\\x1e', quote = '', escape = '',
        auto_detect = false, max_line_size = ${MAX_LINE_BYTES})`);
    const docs = `SELECT _line, _text, CASE WHEN json_valid(_text) THEN _text::JSON END AS _doc FROM ${table}_lines WHERE _text IS NOT NULL AND trim(_text) <> ''`;
    if (pathExpr) {
      await wh.run(`CREATE OR REPLACE TEMP TABLE ${table} AS
        SELECT row_number() OVER (ORDER BY _line, _i) AS _record, _line, _json, _bad FROM (
          SELECT _line, generate_subscripts(arr, 1) AS _i, unnest(arr) AS _json, NULL::VARCHAR AS _bad
          FROM (SELECT _line, json_extract(_doc, ${lit(pathExpr)}) AS arr FROM (${docs}) WHERE _doc IS NOT NULL)
          UNION ALL SELECT _line, 0, NULL, _text FROM (${docs}) WHERE _doc IS NULL)`);
    } else {
      await wh.run(`CREATE OR REPLACE TEMP TABLE ${table} AS
        SELECT row_number() OVER (ORDER BY _line) AS _record, _line, _doc AS _json, CASE WHEN _doc IS NULL THEN _text END AS _bad
        FROM (${docs})`);
    }
    await wh.run(`DROP TABLE ${table}_lines`);
    return;
  }
  try {
    const source = `read_json_objects(${lit(file)}, format = 'auto', maximum_object_size = ${256 * 1024 * 1024})`;
    if (pathExpr) {
      await wh.run(`CREATE OR REPLACE TEMP TABLE ${table} AS
        SELECT row_number() OVER () AS _record, NULL::BIGINT AS _line, _json, NULL::VARCHAR AS _bad
        FROM (SELECT unnest(json_extract(json, ${lit(pathExpr)})) AS _json FROM ${source})`);
    } else {
      await wh.run(`CREATE OR REPLACE TEMP TABLE ${table} AS
        SELECT row_number() OVER () AS _record, NULL::BIGINT AS _line, json AS _json, NULL::VARCHAR AS _bad FROM ${source}`);
    }
  } catch (e) {
    throw new FileError(`${file}: not valid JSON: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** SQL giving the text value of source column `name` in a staged file. */
export function sourceValue(mapping: Mapping, name: string): string {
  if (mapping.format === "json" || mapping.format === "ndjson") {
    const jsonPath = name.startsWith("$") ? name : `$.${name.split(".").map((k) => `"${k.replaceAll('"', '\\"')}"`).join(".")}`;
    return `json_extract_string(_json, ${lit(jsonPath)})`;
  }
  return ident(name);
}
