/**
 * Test helpers: a fresh warehouse in a temp folder, files written from inline rows, and a config around them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import iconv from "iconv-lite";
import { AppConfig, type FileSource } from "../../core/config/app.ts";
import { Warehouse } from "../../core/db/warehouse.ts";

export const TZ = "Asia/Shanghai";

export function tempDir(prefix = "appraisal-test-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function withWarehouse<T>(fn: (wh: Warehouse, dir: string) => Promise<T>, timezone = TZ): Promise<T> {
  const { dir, cleanup } = tempDir();
  const wh = await Warehouse.open(path.join(dir, "wh.duckdb"), { timezone });
  try {
    return await fn(wh, dir);
  } finally {
    wh.close();
    cleanup();
  }
}

/** Write a file (UTF-8 by default; 'gbk' and 'bom' for the encodings real exports use). */
export function writeFile(dir: string, name: string, text: string, encoding: "utf-8" | "gbk" | "bom" = "utf-8"): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  if (encoding === "gbk") writeFileSync(file, iconv.encode(text, "gbk"));
  else if (encoding === "bom") writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]));
  else writeFileSync(file, text);
  return file;
}

/** CSV text from a header and rows, quoting what needs it. */
export function csv(header: string[], rows: Array<Array<string | number | null>>): string {
  const cell = (v: string | number | null) => {
    if (v === null) return "";
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `${[header.map(cell).join(","), ...rows.map((r) => r.map(cell).join(","))].join("\n")}\n`;
}

export function testConfig(dir: string, sources: FileSource[], extra: Partial<AppConfig> = {}): AppConfig {
  return {
    ...AppConfig.parse({ timezone: TZ, warehouse: path.join(dir, "wh.duckdb"), ...extra, sources }),
    baseDir: dir,
    file: null,
  };
}
