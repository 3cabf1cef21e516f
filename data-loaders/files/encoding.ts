/**
 * Character encodings of export files. DuckDB reads UTF-8 (and skips a BOM); Chinese Excel and survey tools
 * write GBK/GB18030, and Excel's "Unicode text" is UTF-16. Those are transcoded to a UTF-8 temp file with
 * iconv-lite, streaming, before DuckDB reads them.
 */
import { isUtf8 } from "node:buffer";
import { createReadStream, createWriteStream, openSync, readSync, closeSync } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import iconv from "iconv-lite";

export type Encoding = "utf-8" | "gb18030" | "gbk" | "gb2312" | "utf-16le" | "utf-16be" | "latin1";

const SAMPLE_BYTES = 4 * 1024 * 1024;

function readSample(file: string): Buffer {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(SAMPLE_BYTES);
    const n = readSync(fd, buf, 0, SAMPLE_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** UTF-8 check that forgives a character cut at the end of the sample. */
function sampleIsUtf8(sample: Buffer): boolean {
  for (let cut = 0; cut <= 3 && cut < sample.length; cut++) {
    if (isUtf8(sample.subarray(0, sample.length - cut))) return true;
  }
  return sample.length === 0;
}

/** The encoding of a file: declared, or detected from a BOM and a sample of its bytes. */
export function detectEncoding(file: string, declared: "auto" | Encoding): Encoding {
  if (declared !== "auto") return declared;
  const sample = readSample(file);
  if (sample[0] === 0xff && sample[1] === 0xfe) return "utf-16le";
  if (sample[0] === 0xfe && sample[1] === 0xff) return "utf-16be";
  if (sampleIsUtf8(sample)) return "utf-8";
  return "gb18030";
}

/**
 * Write a UTF-8 copy of `file` (read as `encoding`) to `out`, without a BOM. Returns how many byte sequences were
 * not valid in that encoding (each became U+FFFD), so that a wrong guess is reported, not silently kept.
 */
export async function transcodeToUtf8(file: string, encoding: Encoding, out: string): Promise<number> {
  let undecodable = 0;
  const count = new Transform({
    decodeStrings: false,
    transform(chunk: string, _enc, done) {
      for (let i = chunk.indexOf("\uFFFD"); i !== -1; i = chunk.indexOf("\uFFFD", i + 1)) undecodable++;
      done(null, Buffer.from(chunk, "utf8"));
    },
  });
  await pipeline(createReadStream(file), iconv.decodeStream(encoding, { stripBOM: true }), count, createWriteStream(out));
  return undecodable;
}
