/**
 * A look at the start of an export file for `appraisal mapping init`: its encoding, delimiter, the row that holds
 * the header (titles some tools print first), its columns, a footer if it ends with one, and the first records as
 * text. Only the first 2 MiB and the last 64 KiB are read, so a sample of a huge export costs nothing.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import iconv from "iconv-lite";
import { DuckDBInstance } from "@duckdb/node-api";
import { detectEncoding, type Encoding } from "../files/encoding.ts";

export type Format = "csv" | "tsv" | "json" | "ndjson" | "parquet";

export interface FileSample {
  file: string;
  format: Format;
  encoding: Encoding | "binary";
  delimiter: string;
  /** lines before the header row */
  skipLines: number;
  columns: string[];
  rows: Array<Record<string, string | null>>;
  /** JSON: where the records are ($.tickets), when not at the top level */
  recordsPath?: string;
  /** the first line of a trailing footer (CSV) */
  footer?: string;
}

const HEAD_BYTES = 2 * 1024 * 1024;

function readRange(file: string, start: number, length: number): Buffer {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(length);
    const got = readSync(fd, buf, 0, length, start);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

export function formatOf(file: string): Format {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".tsv" || ext === ".tab") return "tsv";
  if (ext === ".json") return "json";
  if (ext === ".ndjson" || ext === ".jsonl") return "ndjson";
  if (ext === ".parquet") return "parquet";
  return "csv";
}

const decode = (buf: Buffer, encoding: Encoding) => iconv.decode(buf, encoding, { stripBOM: true });

/** the delimiter that splits the first lines most evenly into the most cells */
function sniffDelimiter(text: string): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "").slice(0, 10);
  let best = ",";
  let bestScore = 0;
  for (const d of [",", ";", "\t", "|"]) {
    const counts = lines.map((l) => l.split(d).length - 1);
    const common = counts.sort((a, b) => a - b)[Math.floor(counts.length / 2)] ?? 0;
    if (common > bestScore) {
      best = d;
      bestScore = common;
    }
  }
  return best;
}

/**
 * Read a sample of `file`. `headerScore` rates a candidate header row (how many of its cells are known column
 * names); the best of the first ten rows is the header.
 */
export async function sampleFile(file: string, opts: { format?: Format; rows?: number; headerScore?: (cells: string[]) => number } = {}): Promise<FileSample> {
  const format = opts.format ?? formatOf(file);
  const wanted = opts.rows ?? 200;
  if (format === "parquet") return sampleParquet(file, wanted);
  const size = statSync(file).size;
  const encoding = detectEncoding(file, "auto");
  const head = readRange(file, 0, Math.min(size, HEAD_BYTES));
  const truncated = size > head.length;
  const text = decode(head, encoding);
  if (format === "json" || format === "ndjson") return sampleJson(file, format, encoding, text, truncated, wanted);

  const delimiter = format === "tsv" ? "\t" : sniffDelimiter(text);
  const records = parseCsv(text, {
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    info: true,
    to: 10 + wanted + 1,
  }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  if (truncated && records.length > 10 + wanted) records.pop();
  const score = opts.headerScore ?? (() => 0);
  let headerAt = 0;
  let bestScore = -1;
  for (let i = 0; i < Math.min(10, records.length); i++) {
    const cells = records[i]!.record.map((c) => c.trim()).filter(Boolean);
    if (cells.length < 2) continue;
    const s = score(cells) * 1000 + cells.length;
    if (s > bestScore) {
      bestScore = s;
      headerAt = i;
    }
  }
  const skipLines = headerAt === 0 ? 0 : records[headerAt - 1]!.info.lines;
  const columns = uniqueNames(records[headerAt]?.record.map((h) => h.trim()) ?? []);
  const footer = footerLine(file, size, encoding, delimiter, columns.length);
  const data = records.slice(headerAt + 1).map((r) => r.record);
  // trailing blank rows and the footer are not records
  while (data.length && data[data.length - 1]!.every((c) => c.trim() === "")) data.pop();
  if (footer && data.length && (data[data.length - 1]![0] ?? "").trim().startsWith(footer.slice(0, 20))) data.pop();
  while (data.length && data[data.length - 1]!.every((c) => c.trim() === "")) data.pop();
  const rows = data.slice(0, wanted).map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] === undefined || r[i]!.trim() === "" ? null : r[i]!])));
  return { file, format, encoding, delimiter, skipLines, columns, rows, footer };
}

/** A last non-blank line with one filled cell, the first, holding a label and a colon ("Timezone: UTC"). */
function footerLine(file: string, size: number, encoding: Encoding, delimiter: string, width: number): string | undefined {
  if (width < 3) return undefined;
  const n = Math.min(size, 64 * 1024);
  const lines = decode(readRange(file, size - n, n), encoding).split(/\r?\n/);
  const isBlank = (l: string) => l.split(delimiter).every((c) => c.replaceAll('"', "").trim() === "");
  let last = lines.length - 1;
  while (last >= 0 && isBlank(lines[last]!)) last--;
  if (last < 0) return undefined;
  const cells = lines[last]!.split(delimiter).map((c) => c.replaceAll('"', "").trim());
  if (cells.filter(Boolean).length !== 1 || !cells[0]) return undefined;
  return /^[^\d\s,][^,:]{0,40}:\s/.test(cells[0]) ? cells[0] : undefined;
}

function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n, i) => {
    const base = n === "" ? `column${i + 1}` : n;
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return k === 1 ? base : `${base}_${k}`;
  });
}

/** a JSON record's values as dotted paths (two levels deep); arrays and deeper objects as JSON text */
function flatten(obj: Record<string, unknown>, prefix = "", depth = 0, out: Record<string, string | null> = {}): Record<string, string | null> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object" && !Array.isArray(v) && depth < 1) flatten(v as Record<string, unknown>, key, depth + 1, out);
    else out[key] = v === null || v === undefined ? null : typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return out;
}

function sampleJson(file: string, format: Format, encoding: Encoding, text: string, truncated: boolean, wanted: number): FileSample {
  let records: Array<Record<string, unknown>> = [];
  let recordsPath: string | undefined;
  if (format === "ndjson") {
    const lines = text.split(/\r?\n/);
    if (truncated) lines.pop();
    for (const line of lines) {
      if (records.length >= wanted) break;
      if (!line.trim()) continue;
      try {
        const v = JSON.parse(line);
        if (v && typeof v === "object" && !Array.isArray(v)) records.push(v);
      } catch {
        // a bad line is the check's business, not the sample's
      }
    }
  } else {
    if (truncated) throw new Error(`${file}: a JSON document over ${HEAD_BYTES / 1024 / 1024} MiB cannot be sampled; save it as NDJSON (one record per line)`);
    const doc = JSON.parse(text) as unknown;
    if (Array.isArray(doc)) records = doc.filter((x) => x && typeof x === "object");
    else if (doc && typeof doc === "object") {
      const entry = Object.entries(doc).find(([, v]) => Array.isArray(v) && v.some((x) => x && typeof x === "object"));
      if (entry) {
        recordsPath = `$.${entry[0]}`;
        records = (entry[1] as unknown[]).filter((x): x is Record<string, unknown> => Boolean(x) && typeof x === "object");
      }
    }
    records = records.slice(0, wanted);
  }
  const rows = records.map((r) => flatten(r));
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return { file, format, encoding, delimiter: ",", skipLines: 0, columns, rows, recordsPath };
}

async function sampleParquet(file: string, wanted: number): Promise<FileSample> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    const reader = await conn.runAndReadAll(`SELECT COLUMNS(*)::VARCHAR FROM read_parquet('${file.replaceAll("'", "''")}') LIMIT ${wanted}`);
    const columns = reader.columnNames();
    const rows = reader.getRowObjectsJS().map((r) => Object.fromEntries(columns.map((c) => [c, (r[c] as string | null) ?? null])));
    return { file, format: "parquet", encoding: "binary", delimiter: ",", skipLines: 0, columns, rows };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
