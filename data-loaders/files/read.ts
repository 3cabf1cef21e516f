/**
 * Read one export file into a temporary DuckDB table of text columns, with DuckDB's own readers:
 * read_csv (with a rejects table for malformed lines), NDJSON as lines (so a bad line keeps its line number),
 * read_json_objects for JSON documents, read_parquet. Nothing is parsed row by row in JavaScript.
 */
import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse as parseCsv } from "csv-parse/sync";
import { ident, lit, type Warehouse } from "../../core/db/warehouse.ts";
import { msg } from "../../core/messages.ts";
import { readerNullStrings } from "../mappings/null-tokens.ts";
import type { Mapping } from "../mappings/schema.ts";
import { detectEncoding, type Encoding, transcodeToUtf8 } from "./encoding.ts";
import { locateRecords } from "./lines.ts";

export interface Reject {
  line: number | null;
  /** the data record (1-based) the rejected row is, counted as the scan of the file counts them */
  record: number | null;
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
 * is read straight into the checked table (materializing millions of text rows first would double the cost), in
 * order (the check holds no join), so a row's position among the rows written is its position among the rows DuckDB
 * read (`recordsFromRowid`), which `afterRead`'s `recordOf` turns into the record number by counting the rows DuckDB
 * rejected before it.
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
  /** SQL giving the physical line of record number `record` where the relation knows it (JSON: the source line),
   *  else NULL */
  lineOf: (record: string) => string;
  /** CSV: the physical lines where these records start (a scan of the file; see lines.ts) */
  linesOfRecords?: (records: number[]) => Promise<Map<number, number>>;
  cleanup: () => Promise<void>;
}

export class FileError extends Error {}

let tempCounter = 0;
const MAX_LINE_BYTES = 8 * 1024 * 1024;
const MiB = 1024 * 1024;

/**
 * DuckDB's read buffer for a file. A row longer than the buffer is not reported as too long: DuckDB calls it broken
 * quoting (a quoted field) or loses it without a word (unquoted). So the buffer holds the whole file, up to 256 MiB:
 * any row of such a file that is too long is reported as too long, at its line.
 */
export function csvBufferBytes(fileBytes: number): number {
  return Math.min(Math.max(fileBytes + 1, 32 * MiB), 256 * MiB);
}

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
  const noLine = (_record: string) => "NULL::BIGINT";
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
      return { from, columns, encoding: "binary", undecodable: 0, recordsFromRowid: false, firstDataLine: 0, afterRead: noRejects, lineOf: noLine, cleanup };
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
      await readJson(wh, table, utf8File, mapping, file);
      const lineOf = (record: string) => `(SELECT any_value(src._line) FROM ${table} src WHERE src._record = ${record})`;
      return { from: table, columns: [], encoding, undecodable, recordsFromRowid: false, firstDataLine: 1, afterRead: noRejects, lineOf, cleanup };
    }

    // CSV / TSV
    const delimiter = mapping.delimiter ?? (mapping.format === "tsv" ? "\t" : ",");
    if (mapping.footer_starts_with) {
      const cut = footerStart(utf8File, mapping.footer_starts_with, delimiter, mapping.quote);
      if (cut !== null) {
        const body = path.join(tmp, "body");
        await copyPrefix(utf8File, body, cut);
        utf8File = body;
      }
    }
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
    if (mapping.null_tokens.length) formats.push(`nullstr = [${readerNullStrings(mapping).map(lit).join(", ")}]`);
    const from = `read_csv(${lit(utf8File)}, header = true, skip = ${mapping.skip_lines}, delim = ${lit(delimiter)}, ${quoteOpt},
          columns = ${columns}, auto_detect = false, null_padding = false, strict_mode = true,${formats.map((f) => ` ${f},`).join("")}
          max_line_size = ${MAX_LINE_BYTES}, buffer_size = ${csvBufferBytes(statSync(utf8File).size)}, store_rejects = true, rejects_table = ${lit(rejectsTable)},
          rejects_scan = ${lit(rejectsScan)}, rejects_limit = 0)`;
    const firstDataLine = mapping.skip_lines + 2;
    const gaps = `gaps_${id}`;
    const layout = { quote: mapping.quote, skipLines: mapping.skip_lines, header: true };
    const afterRead = async () => {
      const rows = await wh.all<{ line: number; lbp: number; column_name: string | null; error_type: string; error_message: string; csv_line: string | null }>(
        `SELECT line, line_byte_position AS lbp, column_name, error_type, error_message, csv_line FROM ${rejectsTable} ORDER BY line_byte_position, column_idx`,
      );
      // DuckDB's own line of a rejected row counts blank lines and line breaks in quotes its own way: the byte
      // offset it gives is turned into the record and its physical line by a scan of the file
      const located = rows.length ? (await locateRecords(utf8File, layout, { bytes: rows.map((r) => r.lbp) })).recordAtByte : new Map();
      const placed = rows.map((r) => {
        const at = located.get(r.lbp);
        return { ...r, record: at?.record ?? r.line - (firstDataLine - 1), line: at?.line ?? r.line };
      });
      let recordOf = (position: string) => position;
      const rejectedRecords = [...new Set(placed.map((r) => r.record))].sort((a, b) => a - b);
      if (rejectedRecords.length > 0) {
        // A rejected row is missing from the rows read; each good row's record number counts the rejects before it.
        tables.push(gaps);
        await wh.run(`CREATE OR REPLACE TEMP TABLE ${gaps} AS
          SELECT idx - row_number() OVER (ORDER BY idx) AS good_before FROM (SELECT unnest([${rejectedRecords.join(", ")}]::BIGINT[]) AS idx)`);
        recordOf = (position: string) => `(${position} + (SELECT count(*) FROM ${gaps} g WHERE g.good_before < ${position}))`;
      }
      // DuckDB may report a short row once per missing column: keep the first report of a malformed record
      const seen = new Set<string>();
      const distinct = placed.filter((r) => {
        const k = r.error_type === "CAST" ? `${r.record}|${r.column_name}` : `${r.record}|row`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      const rejects = distinct.map((r) => ({
        line: r.line,
        record: r.record,
        column: r.error_type === "CAST" ? r.column_name : null,
        reason: describeReject(r.error_type, r.error_message, r.column_name ? typeOf(r.column_name) : "VARCHAR"),
        text: r.error_type === "CAST" ? castValue(r.error_message) : r.csv_line,
      }));
      return { rejects, recordOf };
    };
    const linesOfRecords = async (records: number[]) => (await locateRecords(utf8File, layout, { records })).lineOfRecord;
    return { from, columns: names, encoding, undecodable, recordsFromRowid: true, firstDataLine, afterRead, lineOf: noLine, linesOfRecords, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/**
 * Where a file's footer starts (a byte offset), or null when it has none: the last lines of the file, from the
 * first line whose first cell starts with `prefix`, when every line after that one is blank or holds only
 * delimiters and quotes; blank rows just before it belong to the footer too. Only the file's last 64 KiB are read.
 */
export function footerStart(file: string, prefix: string, delimiter: string, quote: string): number | null {
  const size = statSync(file).size;
  const tailBytes = Math.min(size, 64 * 1024);
  const fd = openSync(file, "r");
  let tail: Buffer;
  try {
    tail = Buffer.alloc(tailBytes);
    readSync(fd, tail, 0, tailBytes, size - tailBytes);
  } finally {
    closeSync(fd);
  }
  // line starts (byte offsets within the tail); the first partial line is never a footer candidate unless the tail is the file
  const starts: number[] = tailBytes === size ? [0] : [];
  for (let i = 0; i < tail.length; i++) if (tail[i] === 0x0a && i + 1 < tail.length) starts.push(i + 1);
  const lineAt = (k: number) => tail.subarray(starts[k]!, k + 1 < starts.length ? starts[k + 1]! : tail.length).toString("utf8");
  const blank = (line: string) => line.split("").every((ch) => ch === delimiter || ch === quote || /\s/.test(ch));
  const firstCell = (line: string) => line.replace(/^\uFEFF/, "").replace(new RegExp(`^\\s*${quote ? `\\${quote}?` : ""}`), "");
  let k = starts.length - 1;
  while (k >= 0 && blank(lineAt(k))) k--;
  // the footer's first line: the earliest line from the end that starts with the prefix, with only footer lines after it
  let found = -1;
  for (let j = k; j >= 0 && j >= k - 5; j--) {
    const line = lineAt(j);
    if (firstCell(line).startsWith(prefix)) found = j;
    else if (!blank(line)) break;
  }
  if (found < 0) return null;
  while (found > 0 && blank(lineAt(found - 1))) found--;
  return size - tailBytes + starts[found]!;
}

async function copyPrefix(from: string, to: string, bytes: number): Promise<void> {
  if (bytes === 0) {
    writeFileSync(to, "");
    return;
  }
  await pipeline(createReadStream(from, { start: 0, end: bytes - 1 }), createWriteStream(to));
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
    case "LINE SIZE OVER MAXIMUM": {
      const size = /Actual Size:\s*(\d+)/.exec(message)?.[1];
      return `the row is longer than ${MAX_LINE_BYTES / MiB} MiB (a huge field?)${size ? `: ${(Number(size) / MiB).toFixed(1)} MiB` : ""}; split or trim it`;
    }
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

async function readJson(wh: Warehouse, table: string, file: string, mapping: Mapping, shownFile: string): Promise<void> {
  const base = mapping.records_path ? mapping.records_path.replace(/\[\*\]$/, "") : null;
  const pathExpr = base ? `${base}[*]` : null;
  if (mapping.format === "ndjson") {
    // Each line is read as text so that a malformed line keeps its line number and is reported, not skipped.
    await wh.run(`CREATE OR REPLACE TEMP TABLE ${table}_lines AS
      SELECT row_number() OVER () AS _line, line AS _text
      FROM read_csv(${lit(file)}, columns = {'line': 'VARCHAR'}, header = false, delim = E'\\x1e', quote = '', escape = '',
        auto_detect = false, max_line_size = ${MAX_LINE_BYTES})`);
    const docs = `SELECT _line, _text, CASE WHEN json_valid(_text) THEN _text::JSON END AS _doc FROM ${table}_lines WHERE _text IS NOT NULL AND trim(_text) <> ''`;
    if (base && pathExpr) {
      // a line whose records_path is not a list of records is reported, not read as holding none
      const kind = `json_type(json_extract(_doc, ${lit(base)}))`;
      await wh.run(`CREATE OR REPLACE TEMP TABLE ${table} AS
        SELECT row_number() OVER (ORDER BY _line, _i) AS _record, _line, _json, _bad, _why FROM (
          SELECT _line, generate_subscripts(arr, 1) AS _i, unnest(arr) AS _json, NULL::VARCHAR AS _bad, NULL::VARCHAR AS _why
          FROM (SELECT _line, json_extract(_doc, ${lit(pathExpr)}) AS arr FROM (${docs}) WHERE _doc IS NOT NULL AND ${kind} = 'ARRAY')
          UNION ALL SELECT _line, 0, NULL, _text, 'not valid JSON' FROM (${docs}) WHERE _doc IS NULL
          UNION ALL SELECT _line, 0, NULL, _text,
            ${lit(`records_path ${base} `)} || CASE WHEN ${kind} IS NULL THEN 'is not in this line' ELSE 'is ' || lower(${kind}) || ' here, not a list of records' END
          FROM (${docs}) WHERE _doc IS NOT NULL AND ${kind} IS DISTINCT FROM 'ARRAY')`);
    } else {
      await wh.run(`CREATE OR REPLACE TEMP TABLE ${table} AS
        SELECT row_number() OVER (ORDER BY _line) AS _record, _line, _doc AS _json, CASE WHEN _doc IS NULL THEN _text END AS _bad,
          CASE WHEN _doc IS NULL THEN 'not valid JSON' END AS _why
        FROM (${docs})`);
    }
    await wh.run(`DROP TABLE ${table}_lines`);
    return;
  }
  const source = `read_json_objects(${lit(file)}, format = 'auto', maximum_object_size = ${256 * 1024 * 1024})`;
  if (base) {
    // records_path must name a list in every document: pointing at an object, or at nothing, is an error, not 0 records
    let found: Array<{ kind: string | null; docs: number }>;
    try {
      found = await wh.all(`SELECT json_type(json_extract(json, ${lit(base)})) AS kind, count(*) AS docs FROM ${source} GROUP BY ALL ORDER BY ALL`);
    } catch (e) {
      throw new FileError(`${shownFile}: not valid JSON: ${(e as Error).message.split("\n")[0]}`);
    }
    const wrong = found.filter((f) => f.kind !== "ARRAY");
    if (wrong.length) throw new FileError(msg.recordsPathNotList(shownFile, base, wrong.map((w) => w.kind)));
  }
  try {
    if (pathExpr) {
      await wh.run(`CREATE OR REPLACE TEMP TABLE ${table} AS
        SELECT row_number() OVER () AS _record, NULL::BIGINT AS _line, _json, NULL::VARCHAR AS _bad, NULL::VARCHAR AS _why
        FROM (SELECT unnest(json_extract(json, ${lit(pathExpr)})) AS _json FROM ${source})`);
    } else {
      await wh.run(`CREATE OR REPLACE TEMP TABLE ${table} AS
        SELECT row_number() OVER () AS _record, NULL::BIGINT AS _line, json AS _json, NULL::VARCHAR AS _bad, NULL::VARCHAR AS _why FROM ${source}`);
    }
  } catch (e) {
    throw new FileError(`${shownFile}: not valid JSON: ${(e as Error).message.split("\n")[0]}`);
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
