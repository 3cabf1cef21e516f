/**
 * Where each record of a CSV file starts: the physical line a user's editor shows, counted exactly after quoted
 * fields that hold line breaks, blank lines (which hold no record) and CRLF line ends (one line break).
 *
 * DuckDB's CSV reader does not give a row's line, and the line it gives a rejected row counts records and blank
 * lines its own way; the rows it reads keep their order, so a row's record number (1-based, among the records
 * after the header) is known, and this scan turns record numbers, and the byte offsets DuckDB gives rejected rows,
 * into lines. It runs only for a file with quarantined rows, streams the file once with native byte searches
 * (Buffer.indexOf), and stops at the last record asked for.
 */
import { createReadStream } from "node:fs";

export interface CsvLayout {
  /** the quote character, or "" when the format has none */
  quote: string;
  /** physical lines before the header row */
  skipLines: number;
  /** whether a header row comes first (it is not a data record) */
  header: boolean;
}

export interface LocateRequest {
  /** data record numbers (1-based) whose first line is wanted */
  records?: number[];
  /** byte offsets (DuckDB's line_byte_position of a rejected row): which record starts there, or follows it */
  bytes?: number[];
}

export interface Located {
  /** record number -> its first physical line (1-based) */
  lineOfRecord: Map<number, number>;
  /** byte offset -> the record at or after it, and that record's first line */
  recordAtByte: Map<number, { record: number; line: number }>;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Scan `file` (UTF-8, as DuckDB read it) and answer `want`. A byte offset inside a record maps to that record; one
 * in the blank lines between records (DuckDB counts them with the row that follows) maps to the next record.
 */
export async function locateRecords(file: string, layout: CsvLayout, want: LocateRequest): Promise<Located> {
  const records = [...new Set(want.records ?? [])].filter((r) => r >= 1).sort((a, b) => a - b);
  const bytes = [...new Set(want.bytes ?? [])].sort((a, b) => a - b);
  const out: Located = { lineOfRecord: new Map(), recordAtByte: new Map() };
  if (!records.length && !bytes.length) return out;
  const quote = layout.quote ? layout.quote.charCodeAt(0) : -1;

  let ri = 0; // next record asked for
  let bi = 0; // next byte offset asked for
  let line = 1; // physical line of the byte being read
  let offset = 0; // absolute offset of the current chunk
  let inQuote = false;
  let lineStart = 0; // absolute offset where the current physical line starts
  let lineEmpty = true; // nothing but a CR so far on this line
  let quoteAtLineStart = false;
  let skip = layout.skipLines; // physical lines still to skip
  let headerPending = layout.header;
  let record = 0; // data records started so far
  let recordStart = -1; // offset and line of the record being read
  let recordLine = 0;
  let recordEnd = -1; // where the last finished record ended (after its line break)

  const done = () => ri >= records.length && bi >= bytes.length;

  /** a record starts at `start` (line `ln`): answer what waits for it */
  const startRecord = (start: number, ln: number) => {
    record++;
    // byte offsets before this record: inside the previous one, or in the gap before this one
    while (bi < bytes.length && bytes[bi]! < start) {
      const b = bytes[bi]!;
      const inPrevious = record > 1 && b >= recordStart && b < recordEnd;
      out.recordAtByte.set(b, inPrevious ? { record: record - 1, line: recordLine } : { record, line: ln });
      bi++;
    }
    recordStart = start;
    recordLine = ln;
    while (ri < records.length && records[ri]! === record) {
      out.lineOfRecord.set(record, ln);
      ri++;
    }
    while (ri < records.length && records[ri]! < record) ri++;
  };

  /** the physical line that began at `lineStart` ended (its line break is at `at`) */
  const endLine = (at: number) => {
    if (skip > 0) {
      skip--;
    } else if (!quoteAtLineStart && !lineEmpty) {
      if (headerPending) headerPending = false;
      else startRecord(lineStart, line);
    }
    if (!inQuote && (!quoteAtLineStart ? !lineEmpty : true)) recordEnd = at + 1;
    line++;
    lineStart = at + 1;
    lineEmpty = true;
    quoteAtLineStart = inQuote;
  };

  const stream = createReadStream(file, { highWaterMark: 4 * 1024 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let i = 0;
      const n = chunk.length;
      while (i < n) {
        const nl = chunk.indexOf(LF, i);
        const end = nl === -1 ? n : nl;
        // the line's bytes in this chunk: [i, end)
        if (end > i) {
          // a line holding only a CR (the CR of a CRLF) is still empty
          if (lineEmpty && !(end - i === 1 && chunk[i] === CR)) lineEmpty = false;
          if (quote >= 0 && skip === 0) {
            for (let q = chunk.indexOf(quote, i); q !== -1 && q < end; q = chunk.indexOf(quote, q + 1)) inQuote = !inQuote;
          }
        }
        if (nl === -1) break;
        endLine(offset + nl);
        if (done()) return out;
        i = nl + 1;
      }
      offset += n;
    }
    // the last line, without a line break
    if (!lineEmpty) endLine(offset);
    // offsets after the last record start: inside it, else nowhere
    while (bi < bytes.length) {
      const b = bytes[bi]!;
      if (record > 0 && b >= recordStart) out.recordAtByte.set(b, { record, line: recordLine });
      bi++;
    }
    return out;
  } finally {
    stream.destroy();
  }
}
