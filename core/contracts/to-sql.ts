/**
 * Derive the bulk check of a canonical table from its zod contract.
 *
 * Millions of rows are not parsed one by one in JavaScript (see ../shared/PERFORMANCE.md): the zod schema is
 * turned into JSON Schema (`z.toJSONSchema`, the documented route), and from it into SQL that casts each text
 * value to its type and names every problem. The same contract validates single records with `safeParse`;
 * test/core/contracts/to-sql.test.ts checks that the two agree.
 */
import { z } from "zod";
import { ident, lit } from "../db/quote.ts";
import type { Contract } from "./tables.ts";

export interface FieldSpec {
  name: string;
  kind: "string" | "integer" | "number" | "boolean" | "timestamp" | "date" | "enum";
  /** a value must be present (not nullable, not optional, no default) */
  required: boolean;
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  patternMessage?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
  enumValues?: string[];
  private: boolean;
}

type Json = Record<string, unknown>;

export function fieldSpecs(schema: z.ZodObject): FieldSpec[] {
  const js = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  const props = js.properties as Record<string, Json>;
  const required = new Set((js.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, prop]) => {
    let p = prop;
    let nullable = false;
    if (Array.isArray(p.anyOf)) {
      const parts = p.anyOf as Json[];
      nullable = parts.some((x) => x.type === "null");
      const { anyOf: _drop, ...rest } = p;
      p = { ...rest, ...(parts.find((x) => x.type !== "null") ?? {}) };
    }
    let type = p.type as string | string[];
    if (Array.isArray(type)) {
      nullable ||= type.includes("null");
      type = type.find((t) => t !== "null") ?? "string";
    }
    const kind: FieldSpec["kind"] =
      p.kind === "timestamp"
        ? "timestamp"
        : p.kind === "date" || p.format === "date"
          ? "date"
          : p.enum
            ? "enum"
            : type === "integer"
              ? "integer"
              : type === "number"
                ? "number"
                : type === "boolean"
                  ? "boolean"
                  : "string";
    const num = (k: string) => (typeof p[k] === "number" && Math.abs(p[k] as number) < 1e15 ? (p[k] as number) : undefined);
    return {
      name,
      kind,
      required: required.has(name) && !nullable && prop.default === undefined && p.default === undefined,
      default: prop.default ?? p.default,
      minLength: num("minLength"),
      maxLength: num("maxLength"),
      pattern: kind === "string" ? (p.pattern as string | undefined) : undefined,
      patternMessage: p.patternMessage as string | undefined,
      minimum: num("minimum"),
      exclusiveMinimum: num("exclusiveMinimum"),
      maximum: num("maximum"),
      exclusiveMaximum: num("exclusiveMaximum"),
      enumValues: p.enum as string[] | undefined,
      private: p.private === true,
    };
  });
}

export interface ParseOptions {
  /** strptime formats tried for timestamps that DuckDB's own cast does not read */
  timestampFormats?: string[];
  dateFormats?: string[];
  /** the zone of times without an offset (default: the session's, which is the department's) */
  timezone?: string;
  /** a macro reading a time without an offset in `timezone` as the cast does, without ICU for every value
   *  (core/db/local-time.ts wallTimeFunction); the cast itself when absent */
  wallTime?: string;
}

/** a time of day followed by a UTC offset or Z: the text names its own zone */
const HAS_OFFSET = "\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?\\s*(Z|z|UTC|[+-]\\d\\d(:?\\d\\d)?)$";

/** a TIMESTAMP (no zone) read as local time in `timezone`, or in the session's zone; through `wallTime`, the macro made
 *  for that zone, when given */
export const localTime = (ts: string, timezone?: string, wallTime?: string) =>
  wallTime ? `${wallTime}(${ts})` : timezone ? `timezone(${lit(timezone)}, ${ts})` : `CAST(${ts} AS TIMESTAMPTZ)`;

const TRUE_WORDS = ["true", "t", "1", "yes", "y", "是", "有"];
const FALSE_WORDS = ["false", "f", "0", "no", "n", "否", "无"];

export const SQL_TYPE: Record<FieldSpec["kind"], string> = {
  string: "VARCHAR",
  enum: "VARCHAR",
  integer: "BIGINT",
  number: "DOUBLE",
  boolean: "BOOLEAN",
  timestamp: "TIMESTAMPTZ",
  date: "DATE",
};

const list = (xs: string[]) => `[${xs.map(lit).join(", ")}]`;

/** SQL casting the text expression `v` to the field's type; NULL when it cannot be read. */
export function castExpr(f: FieldSpec, v: string, opts: ParseOptions = {}): string {
  switch (f.kind) {
    case "string":
      return v;
    case "enum":
      return `lower(${v})`;
    case "integer":
      return `(CASE WHEN TRY_CAST(${v} AS DOUBLE) = round(TRY_CAST(${v} AS DOUBLE)) AND abs(TRY_CAST(${v} AS DOUBLE)) < 9e15 THEN TRY_CAST(TRY_CAST(${v} AS DOUBLE) AS BIGINT) END)`;
    case "number":
      return `(CASE WHEN isfinite(TRY_CAST(${v} AS DOUBLE)) THEN TRY_CAST(${v} AS DOUBLE) END)`;
    case "boolean":
      return `(CASE WHEN list_contains(${list(TRUE_WORDS)}, lower(${v})) THEN true WHEN list_contains(${list(FALSE_WORDS)}, lower(${v})) THEN false END)`;
    case "timestamp": {
      const fmts = opts.timestampFormats ?? [];
      const aware = fmts.filter((x) => x.includes("%z") || x.includes("%Z"));
      const naive = fmts.filter((x) => !aware.includes(x));
      const tz = opts.timezone;
      const parts = [
        ...(aware.length ? [`TRY_STRPTIME(${v}, ${list(aware)})`] : []),
        ...(naive.length ? [localTime(`TRY_STRPTIME(${v}, ${list(naive)})`, tz, opts.wallTime)] : []),
        tz
          ? `(CASE WHEN regexp_matches(${v}, ${lit(HAS_OFFSET)}) THEN TRY_CAST(${v} AS TIMESTAMPTZ) ELSE ${localTime(`TRY_CAST(${v} AS TIMESTAMP)`, tz, opts.wallTime)} END)`
          : `TRY_CAST(${v} AS TIMESTAMPTZ)`,
      ];
      return `coalesce(${parts.join(", ")})`;
    }
    case "date": {
      const fmts = opts.dateFormats ?? [];
      const parts = [
        ...(fmts.length ? [`CAST(TRY_STRPTIME(${v}, ${list(fmts)}) AS DATE)`] : []),
        `TRY_CAST(${v} AS DATE)`,
        `CAST(TRY_CAST(${v} AS TIMESTAMP) AS DATE)`,
      ];
      return `coalesce(${parts.join(", ")})`;
    }
  }
}

const KIND_WORDS: Record<FieldSpec["kind"], string> = {
  string: "text",
  enum: "one of the allowed values",
  integer: "a whole number",
  number: "a number",
  boolean: "yes/no (true, false, 1, 0, yes, no, 是, 否)",
  timestamp: "a date and time (for example 2026-03-05 14:30 or 2026-03-05T06:30:00Z)",
  date: "a date (for example 2026-03-05)",
};

/**
 * SQL conditions that name what is wrong with field `f` whose text is `v` and typed value `t`:
 * a list of `(condition, reason-expression)` pairs, first match wins. A reason is generic: it never carries the
 * value (the quarantine keeps the value in its own column, which stays in the warehouse), so that reasons can be
 * counted and published without a source value in them.
 */
export function problemCases(f: FieldSpec, v: string, t: string, _vText = v): Array<[string, string]> {
  const cases: Array<[string, string]> = [];
  if (f.required) cases.push([`${v} IS NULL`, lit("missing value (the field is required)")]);
  if (f.kind === "enum" && f.enumValues) {
    cases.push([`${v} IS NOT NULL AND NOT list_contains(${list(f.enumValues)}, ${t})`, lit(`expected one of ${f.enumValues.join(", ")}`)]);
  } else if (f.kind !== "string") {
    cases.push([`${v} IS NOT NULL AND ${t} IS NULL`, lit(`expected ${KIND_WORDS[f.kind]}`)]);
  }
  if (f.maxLength !== undefined)
    cases.push([
      // strlen (bytes) is free and never below length (characters): the exact count runs only on long values
      `strlen(${v}) > ${f.maxLength} AND length(${v}) > ${f.maxLength}`,
      lit(`longer than ${f.maxLength} characters`),
    ]);
  if (f.minLength !== undefined && f.minLength > 1) cases.push([`length(${v}) < ${f.minLength}`, lit(`shorter than ${f.minLength} characters`)]);
  if (f.pattern) cases.push([`NOT regexp_full_match(${v}, ${lit(f.pattern)})`, lit(f.patternMessage ?? `does not match ${f.pattern}`)]);
  const num = f.kind === "integer" || f.kind === "number";
  if (num && f.minimum !== undefined) cases.push([`${t} < ${f.minimum}`, lit(`must be at least ${f.minimum}`)]);
  if (num && f.exclusiveMinimum !== undefined) cases.push([`${t} <= ${f.exclusiveMinimum}`, lit(`must be more than ${f.exclusiveMinimum}`)]);
  if (num && f.maximum !== undefined) cases.push([`${t} > ${f.maximum}`, lit(`must be at most ${f.maximum}`)]);
  if (num && f.exclusiveMaximum !== undefined) cases.push([`${t} >= ${f.exclusiveMaximum}`, lit(`must be less than ${f.exclusiveMaximum}`)]);
  return cases;
}

/** One SQL expression: NULL when the field is fine, else a {field, value, reason} struct. */
export function problemExpr(f: FieldSpec, v: string, t: string): string {
  const cases = problemCases(f, v, t);
  if (!cases.length) return "NULL";
  const whens = cases.map(([c, r]) => `WHEN ${c} THEN ${r}`).join(" ");
  return `(CASE ${whens} END)`;
}

export function defaultLiteral(f: FieldSpec): string | undefined {
  if (f.default === undefined) return undefined;
  if (typeof f.default === "string") return `${lit(f.default)}`;
  if (typeof f.default === "boolean" || typeof f.default === "number") return String(f.default);
  return undefined;
}

/** Column definitions of the raw table for a contract, in contract order. */
export function rawColumns(contract: Contract): Array<{ name: string; type: string }> {
  return fieldSpecs(contract.schema).map((f) => ({ name: f.name, type: SQL_TYPE[f.kind] }));
}

/**
 * The columns every raw table has after the contract's fields: the batch (file) a row came from, its record in the
 * file, whether it is the version in force, whether it was quarantined, and what was wrong with it (an agent reference
 * the roster did not resolve keeps the texts it was matched on: roster column -> text).
 */
export const RAW_BOOKKEEPING: Array<{ name: string; type: string; notNull: boolean }> = [
  { name: "_batch_id", type: "BIGINT", notNull: true },
  { name: "_record", type: "BIGINT", notNull: false },
  { name: "_current", type: "BOOLEAN", notNull: true },
  { name: "_bad", type: "BOOLEAN", notNull: true },
  { name: "_problems", type: 'STRUCT(field VARCHAR, "value" VARCHAR, reason VARCHAR, "match" MAP(VARCHAR, VARCHAR))[]', notNull: false },
];

/**
 * Every column of a contract's raw table (schema raw): the contract's fields typed by their kind, then the bookkeeping
 * columns. No primary key and no NOT NULL on the fields: the contract is enforced by the loader, and the unique-key
 * check (uniqueCurrentKeysSql) asserts that current keys are unique.
 */
export function rawTableColumns(contract: Contract): Array<{ name: string; type: string; notNull: boolean }> {
  return [...rawColumns(contract).map((c) => ({ ...c, notNull: false })), ...RAW_BOOKKEEPING];
}

/** CREATE TABLE IF NOT EXISTS for a contract's raw table. */
export function rawTableDdl(contract: Contract): string {
  const cols = rawTableColumns(contract).map((c) => `${ident(c.name)} ${c.type}${c.notNull ? " NOT NULL" : ""}`);
  return `CREATE TABLE IF NOT EXISTS raw.${ident(contract.table)} (${cols.join(", ")})`;
}

/**
 * The check that every canonical key is in force once (no two current rows share a key), from the contracts' keys:
 * one row per duplicated key, with the table, the key (its parts joined by /) and the number of copies.
 *
 * `afterBatch` (an incremental run): only the keys with a row in a batch after that one. The last successful run's
 * check held over every key, and only loading a batch changes which rows of a key are in force, for that batch's keys
 * (data-loaders/ingest/settle.ts); the other acts that change it (a quarantine act, a file read again under a changed
 * mapping) make the next run a full one (pipelines/run-changes.ts). At 10M tickets the whole check takes 1.2 s.
 */
export function uniqueCurrentKeysSql(contracts: Contract[], opts: { afterBatch?: number } = {}): string {
  return contracts
    .map((c) => {
      const key = c.key.map(ident).join(", ");
      const shown = c.key.length === 1 ? ident(c.key[0]!) : `concat_ws('/', ${key})`;
      const raw = `raw.${ident(c.table)}`;
      const scope = opts.afterBatch === undefined ? "" : ` and (${key}) in (select (${key}) from ${raw} where _batch_id > ${Math.floor(opts.afterBatch)})`;
      return `select ${lit(`raw.${c.table}`)} as tbl, ${shown} as key, count(*) as copies from ${raw} where _current${scope} group by ${key} having count(*) > 1`;
    })
    .join("\nunion all\n");
}
