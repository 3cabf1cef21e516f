/**
 * The versioned warehouse schema: numbered SQL files applied in order, each once, each in a transaction,
 * recorded in meta.schema_migrations with a checksum so that an edited migration is noticed; then the raw tables,
 * generated from the canonical contracts (raw-tables.ts).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ensureRawTables } from "./raw-tables.ts";

const DIR = path.join(import.meta.dirname, "migrations");

/** What migrating needs of a warehouse (warehouse.ts migrates each one it opens; this file imports nothing back). */
export interface Migratable {
  readonly file: string;
  run(sql: string, params?: Record<string, string | number>): Promise<void>;
  all<T>(sql: string, params?: Record<string, string | number>): Promise<T[]>;
  transaction<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * Migrations rewritten after they were applied, with the checksums they had: the raw tables' DDL moved out of 001,
 * 009, 010 and 013 into the contracts (raw-tables.ts), which create the same tables. A warehouse that applied the
 * old text takes the new one; any other edit of an applied migration is still an error.
 */
const REWRITTEN: Record<number, string> = { 1: "7439a93f9ac8b4f5", 9: "9d8a81bdec332efd", 10: "eb18290722b549c3", 13: "3603cd725c5bd45e" };

/** a migration that is only comments (its tables now come from the contracts) has nothing to run */
const hasStatements = (sql: string) => sql.replace(/--[^\n]*/g, "").trim().length > 0;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(): Migration[] {
  return readdirSync(DIR)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const sql = readFileSync(path.join(DIR, f), "utf8");
      return {
        version: Number(f.slice(0, 3)),
        name: f.replace(/\.sql$/, ""),
        sql,
        checksum: createHash("sha256").update(sql).digest("hex").slice(0, 16),
      };
    });
}

export const SCHEMA_VERSION = () => Math.max(...listMigrations().map((m) => m.version));

export async function migrate(wh: Migratable): Promise<number[]> {
  await wh.run(`CREATE SCHEMA IF NOT EXISTS meta;
    CREATE TABLE IF NOT EXISTS meta.schema_migrations (
      version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, checksum VARCHAR NOT NULL,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)`);
  const applied = new Map(
    (await wh.all<{ version: number; checksum: string; name: string }>("SELECT version, checksum, name FROM meta.schema_migrations")).map(
      (r) => [r.version, r],
    ),
  );
  const done: number[] = [];
  for (const m of listMigrations()) {
    const seen = applied.get(m.version);
    if (seen) {
      if (seen.checksum !== m.checksum && REWRITTEN[m.version] === seen.checksum) {
        await wh.run("UPDATE meta.schema_migrations SET checksum = $c, name = $n WHERE version = $v", { c: m.checksum, n: m.name, v: m.version });
        continue;
      }
      if (seen.checksum !== m.checksum) {
        throw new Error(
          `migration ${m.name} was changed after it was applied to ${wh.file}; add a new migration instead of editing an applied one`,
        );
      }
      continue;
    }
    await wh.transaction(async () => {
      if (hasStatements(m.sql)) await wh.run(m.sql);
      await wh.run("INSERT INTO meta.schema_migrations (version, name, checksum) VALUES ($v, $n, $c)", {
        v: m.version,
        n: m.name,
        c: m.checksum,
      });
    });
    done.push(m.version);
  }
  // the raw tables, from the canonical contracts (created when missing; a field added to a contract becomes a column)
  await wh.transaction(() => ensureRawTables(wh));
  return done;
}
