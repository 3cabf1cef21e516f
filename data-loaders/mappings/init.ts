/**
 * `appraisal mapping init`: draft a mapping from an export's header and first rows.
 *
 * A header that matches a shipped mapping (Zendesk, Freshdesk, ServiceNow, Jira Service Management, Zammad, the
 * demo and canonical layouts) gives that mapping, less the columns this file lacks. Any other header is placed
 * field by field from the vocabulary of export column names (English and Chinese, vocabulary.ts). Either way the
 * sample decides what a header cannot: time layouts, null tokens, value maps for statuses and priorities, how
 * agents are named, a title above the header and a footer below the data. What could not be placed is said.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import YAML from "yaml";
import { fieldSpecs, type FieldSpec } from "../../core/contracts/to-sql.ts";
import { contractFor } from "../../core/contracts/tables.ts";
import { sourceColumnsOf } from "../ingest/plan.ts";
import { type FileSample, type Format, formatOf, sampleFile } from "./sample.ts";
import { loadMapping, MAPPINGS_DIR, Mapping } from "./schema.ts";
import {
  BOOLEAN_WORDS,
  DATE_CANDIDATES,
  FIELD_NAMES,
  namesOf,
  NULL_TOKEN_CANDIDATES,
  norm,
  SLA_MET_NAMES,
  TIMESTAMP_CANDIDATES,
  VALUE_WORDS,
} from "./vocabulary.ts";

export interface InitOptions {
  file: string;
  table: string;
  format?: Format;
  /** the department's time zone (a footer naming another zone sets the mapping's timezone) */
  timezone: string;
  /** rows sampled (default 200) */
  rows?: number;
}

export interface Placement {
  field: string;
  /** the source column, or a description (const, derived) */
  from: string;
}

export interface InitResult {
  /** the shipped mapping the header matched, with how many of its columns the file has */
  product: { mapping: string; description: string; present: number; of: number } | null;
  draft: Record<string, unknown>;
  yaml: string;
  placed: Placement[];
  /** canonical fields with no source; required ones stop a load until placed */
  unplaced: Array<{ field: string; required: boolean }>;
  /** file columns the draft does not use */
  unused: string[];
  notes: string[];
  sample: FileSample;
}

interface Shipped {
  name: string;
  mapping: Mapping;
  raw: Record<string, unknown>;
  columns: string[];
}

/** every shipped mapping file, by name (zendesk-tickets-csv, demo/tickets, ...) */
export function shippedMappings(): Shipped[] {
  const out: Shipped[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith(".yaml")) {
        const name = path.relative(MAPPINGS_DIR, full).replace(/\.yaml$/, "").split(path.sep).join("/");
        const mapping = loadMapping(name);
        out.push({ name, mapping, raw: YAML.parse(readFileSync(full, "utf8")), columns: [...new Set(sourceColumnsOf(mapping))] });
      }
    }
  };
  walk(MAPPINGS_DIR);
  return out;
}

const family = (f: Format) => (f === "json" || f === "ndjson" ? "json" : f === "parquet" ? "parquet" : "csv");

/** the shipped mapping for this table whose columns the file has best: at least 3 and 60% of them */
function recognise(shipped: Shipped[], table: string, format: Format, columns: string[]): { s: Shipped; present: number } | null {
  const have = new Set(columns);
  let best: { s: Shipped; present: number; score: number } | null = null;
  for (const s of shipped) {
    if (s.mapping.table !== table || family(s.mapping.format) !== family(format) || s.columns.length === 0) continue;
    const present = s.columns.filter((c) => have.has(c)).length;
    const score = present / s.columns.length;
    if (present < 3 || score < 0.6) continue;
    if (!best || score > best.score || (score === best.score && present > best.present)) best = { s, present, score };
  }
  return best ? { s: best.s, present: best.present } : null;
}

/** How well a row would do as the header: cells that are known column names (any table's, or a shipped mapping's). */
function headerScorer(shipped: Shipped[], table: string): (cells: string[]) => number {
  const known = new Set<string>();
  for (const names of Object.values(FIELD_NAMES[table] ?? {})) for (const n of names) known.add(norm(n));
  for (const f of fieldSpecs(contractFor(table).schema)) known.add(norm(f.name));
  for (const s of shipped) if (s.mapping.table === table) for (const c of s.columns) known.add(norm(c));
  return (cells) => cells.filter((c) => known.has(norm(c))).length;
}

const columnOf = (spec: unknown): string[] => {
  if (typeof spec === "string") return [spec];
  if (spec && typeof spec === "object") {
    const s = spec as { column?: string; plus_minutes?: string; hash_of?: string[] };
    return [s.column, s.plus_minutes, ...(s.hash_of ?? [])].filter((x): x is string => Boolean(x));
  }
  return [];
};

export async function initMapping(opts: InitOptions): Promise<InitResult> {
  const contract = contractFor(opts.table);
  const specs = fieldSpecs(contract.schema);
  const shipped = shippedMappings();
  const format = opts.format ?? formatOf(opts.file);
  const sample = await sampleFile(opts.file, { format, rows: opts.rows, headerScore: headerScorer(shipped, opts.table) });
  if (sample.columns.length === 0) throw new Error(`${opts.file}: no header row found; is it a ${format.toUpperCase()} export?`);
  const notes: string[] = [];
  const match = recognise(shipped, opts.table, format, sample.columns);
  const values = (column: string) => sample.rows.map((r) => r[column] ?? null).filter((v): v is string => v !== null).map((v) => v.trim());

  let draft: Record<string, unknown>;
  let columns: Record<string, unknown>;
  if (match) {
    const { s } = match;
    draft = structuredClone(s.raw);
    columns = draft.columns as Record<string, unknown>;
    for (const [field, spec] of Object.entries(columns)) {
      const missing = columnOf(spec).filter((c) => !sample.columns.includes(c));
      if (missing.length) {
        delete columns[field];
        notes.push(`${field}: the shipped mapping reads ${missing.map((m) => `'${m}'`).join(", ")}, which this file does not have`);
      }
    }
    draft.description = `Drafted by 'appraisal mapping init' from ${path.basename(opts.file)}: the layout of the shipped mapping '${s.name}' (${match.present} of its ${s.columns.length} columns). ${String(s.raw.description ?? "").trim()}`;
  } else {
    columns = placeByName(opts.table, specs, sample, values, notes);
    // the file's name without dates and numbers (helpdesk-2026-03.csv -> helpdesk): the same for every monthly file
    const stem =
      path
        .basename(opts.file)
        .replace(/\.[^.]+$/, "")
        .toLowerCase()
        .replace(/[^a-z]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 40) || "export";
    if (specs.some((f) => f.name === "source") && columns.source === undefined) columns.source = { const: stem };
    draft = {
      description: `Drafted by 'appraisal mapping init' from ${path.basename(opts.file)} (${sample.columns.length} columns); review the value maps and formats, then run 'appraisal mapping check'.`,
      table: opts.table,
      format,
      columns,
    };
  }

  // what the sample says about the file itself
  draft.format = format;
  if (format === "csv" && sample.delimiter !== ",") draft.delimiter = sample.delimiter;
  if (sample.skipLines > 0) draft.skip_lines = sample.skipLines;
  else delete draft.skip_lines;
  if (sample.recordsPath) draft.records_path = sample.recordsPath;
  if (sample.footer && family(format) === "csv") {
    const label = sample.footer.slice(0, sample.footer.indexOf(":") + 1);
    draft.footer_starts_with = label;
    notes.push(`the file ends with a footer ('${sample.footer}'): footer_starts_with: '${label}' keeps it out of the data`);
    const zone = sample.footer.slice(label.length).trim();
    if (/^time ?zone:$/i.test(label.trim()) && isTimeZone(zone) && zone !== opts.timezone) {
      draft.timezone = zone;
      notes.push(`the footer names the zone of the file's times, ${zone}: timezone: ${zone}`);
    }
  }

  const used = (field: string) => columnOf(columns[field]);
  // null tokens: whole values that mean empty, seen in any mapped column
  const tokens = new Set<string>((draft.null_tokens as string[] | undefined) ?? []);
  const mappedColumns = [...new Set(Object.keys(columns).flatMap(used))];
  /** a token a column's value map already handles is that column's business */
  const mappedValue = (c: string, v: string) =>
    Object.values(columns).some((spec) => {
      const s = spec as { column?: string; values?: Record<string, unknown> };
      return typeof spec === "object" && s.column === c && s.values && Object.keys(s.values).some((k) => k.trim().toLowerCase() === v.toLowerCase());
    });
  for (const token of NULL_TOKEN_CANDIDATES) {
    if ([...tokens].some((t) => t.toLowerCase() === token.toLowerCase())) continue;
    const hits = mappedColumns.filter((c) => values(c).some((v) => v === token) && !mappedValue(c, token));
    if (hits.length) {
      tokens.add(token);
      notes.push(`'${token}' stands for an empty value (in ${hits.slice(0, 4).map((h) => `'${h}'`).join(", ")}): null_tokens`);
    }
  }
  if (tokens.size) draft.null_tokens = [...tokens];
  const isToken = (v: string) => [...tokens].some((t) => t.toLowerCase() === v.toLowerCase());

  // time layouts: every sampled value of a mapped time must be read
  for (const kind of ["timestamp", "date"] as const) {
    const key = kind === "timestamp" ? "timestamp_formats" : "date_formats";
    const fields = specs.filter((f) => f.kind === kind && columns[f.name] !== undefined && typeof columns[f.name] !== "object");
    const direct = (field: string) => {
      const spec = columns[field];
      return typeof spec === "string" ? [spec] : spec && typeof spec === "object" && (spec as { column?: string }).column ? [(spec as { column: string }).column] : [];
    };
    const fieldsWithColumn = specs.filter((f) => f.kind === kind && direct(f.name).length > 0);
    const vals = [...new Set(fieldsWithColumn.flatMap((f) => direct(f.name).flatMap((c) => values(c))).filter((v) => !isToken(v)))].slice(0, 500);
    if (!vals.length || (!fields.length && !fieldsWithColumn.length)) continue;
    const given = (draft[key] as string[] | undefined) ?? [];
    const { formats, unread, ambiguous } = await chooseFormats(vals, kind, given);
    if (formats.length) draft[key] = formats;
    if (formats.length > given.length) notes.push(`${kind === "timestamp" ? "times" : "dates"} are written like '${vals[0]}': ${key}: ${JSON.stringify(formats)}`);
    if (ambiguous) notes.push(`day and month cannot be told apart in the sampled ${kind === "timestamp" ? "times" : "dates"} (every day is 12 or less): ${ambiguous} was assumed; check it`);
    if (unread.length) notes.push(`no layout reads ${unread.slice(0, 3).map((v) => `'${v}'`).join(", ")}: add one to ${key} (strptime, e.g. %d.%m.%Y %H:%M)`);
  }

  // value maps for enums and yes/no fields placed by name
  if (!match) {
    for (const f of specs) {
      const cols = used(f.name);
      if (cols.length !== 1 || typeof columns[f.name] === "object") continue;
      const distinct = [...new Set(values(cols[0]!).filter((v) => !isToken(v)))].slice(0, 40);
      if (f.kind === "enum" && f.enumValues) {
        const map: Record<string, string> = {};
        const unknown: string[] = [];
        for (const v of distinct) {
          if (f.enumValues.includes(v.toLowerCase())) continue;
          const word = Object.entries(VALUE_WORDS[f.name] ?? {}).find(([canon, words]) => norm(v) === norm(canon) || words.some((w) => norm(w) === norm(v)));
          if (word) map[v] = word[0];
          else unknown.push(v);
        }
        if (Object.keys(map).length) columns[f.name] = { column: cols[0], values: map };
        if (unknown.length)
          notes.push(`${f.name}: the values ${unknown.map((u) => `'${u}'`).join(", ")} are not ${f.enumValues.join(", ")}: add them under columns.${f.name}.values`);
      } else if (f.kind === "boolean") {
        const map: Record<string, boolean> = {};
        for (const v of distinct) {
          if (BOOLEAN_WORDS.true.some((w) => norm(w) === norm(v))) map[v] = true;
          else if (BOOLEAN_WORDS.false.some((w) => norm(w) === norm(v))) map[v] = false;
        }
        if (Object.keys(map).length) columns[f.name] = { column: cols[0], values: map };
      }
    }
    // how agents are named
    const refs = contract.agentRefs.flatMap((r) => used(r).flatMap((c) => values(c))).filter((v) => !isToken(v));
    if (refs.length) {
      const at = refs.filter((v) => v.includes("@")).length / refs.length;
      const named = refs.filter((v) => /\s|[\u3400-\u9fff]/.test(v)).length / refs.length;
      draft.agent_match =
        at > 0.5
          ? ["email", "helpdesk_login", "display_name", "agent_id"]
          : named > 0.3
            ? ["display_name", "helpdesk_login", "email", "agent_id"]
            : ["agent_id", "helpdesk_login", "email", "display_name"];
      notes.push(
        `agents are named like '${refs[0]}': matched to the roster on ${(draft.agent_match as string[]).join(", ")} (agent_match); the roster must hold that name, login or email`,
      );
    }
  }

  // a required enum with no column: the one safe constant
  if (opts.table === "tickets" && columns.priority === undefined) {
    columns.priority = { const: "normal" };
    notes.push("priority: no column found, so every ticket is 'normal' (const); place a column if the export has one");
  }

  const ordered = orderDraft(draft);
  const parsed = Mapping.safeParse(ordered);
  if (!parsed.success) notes.push(`the draft is not a valid mapping yet: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const placed = Object.entries(columns).map(([field, spec]) => ({ field, from: describeSpec(spec) }));
  const unplaced = specs.filter((f) => columns[f.name] === undefined).map((f) => ({ field: f.name, required: f.required }));
  const usedCols = new Set(Object.keys(columns).flatMap(used));
  const unused = sample.columns.filter((c) => !usedCols.has(c));
  const result: InitResult = {
    product: match ? { mapping: match.s.name, description: String(match.s.raw.description ?? ""), present: match.present, of: match.s.columns.length } : null,
    draft: ordered,
    yaml: "",
    placed,
    unplaced,
    unused,
    notes,
    sample,
  };
  result.yaml = toYaml(result, opts);
  return result;
}

/** Fields placed from the vocabulary of column names: the earliest name of a field's list wins; a column serves one field. */
function placeByName(table: string, specs: FieldSpec[], sample: FileSample, values: (c: string) => string[], notes: string[]): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  const taken = new Set<string>();
  const byNorm = new Map<string, string>();
  for (const c of sample.columns) if (!byNorm.has(norm(c))) byNorm.set(norm(c), c);
  for (const f of specs) {
    for (const name of namesOf(table, f.name)) {
      const c = byNorm.get(name);
      if (c && !taken.has(c)) {
        columns[f.name] = c;
        taken.add(c);
        break;
      }
    }
  }
  if (table === "tickets" && columns.sla_breached === undefined) {
    const met = sample.columns.find((c) => SLA_MET_NAMES.includes(norm(c)) && !taken.has(c));
    if (met) {
      const map: Record<string, boolean> = {};
      for (const v of new Set(values(met))) {
        const t = ["true", "t", "1", "yes", "y", "是"].includes(v.toLowerCase());
        const f = ["false", "f", "0", "no", "n", "否"].includes(v.toLowerCase());
        if (t || f) map[v] = !t;
      }
      columns.sla_breached = { column: met, values: map };
      notes.push(`sla_breached: '${met}' says the SLA was met, so its values are turned around`);
    }
  }
  return columns;
}

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz.includes("/") || tz === "UTC";
  } catch {
    return false;
  }
};

/**
 * The fewest layouts that read every sampled value, chosen greedily in DuckDB with the same strptime the bulk check
 * uses. Values ISO 8601 already reads need no layout unless one layout reads them all (the CSV reader then converts
 * the column itself, the fast path). Day-first wins a tie with month-first.
 */
async function chooseFormats(vals: string[], kind: "timestamp" | "date", given: string[]) {
  const candidates = [...new Set([...given, ...(kind === "timestamp" ? TIMESTAMP_CANDIDATES : DATE_CANDIDATES)])];
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
    const parse = (f: string) => `try_strptime(v, ${lit(f)}) IS NOT NULL`;
    const iso = kind === "timestamp" ? "TRY_CAST(v AS TIMESTAMPTZ) IS NOT NULL" : "TRY_CAST(v AS DATE) IS NOT NULL";
    const reader = await conn.runAndReadAll(
      `SELECT ${iso} AS iso, [${candidates.map(parse).join(", ")}] AS ok FROM (SELECT unnest([${vals.map(lit).join(", ")}]) AS v)`,
    );
    const rows = reader.getRowObjectsJS() as Array<{ iso: boolean; ok: boolean[] }>;
    const reads = (j: number) => rows.filter((r) => r.ok[j]).length;
    // one layout for all: the fast path
    const all = candidates.findIndex((_, j) => reads(j) === rows.length);
    const covered = new Set<number>();
    const chosen: string[] = [];
    if (all >= 0) {
      chosen.push(candidates[all]!);
      rows.forEach((_, i) => {
        covered.add(i);
      });
    } else {
      for (;;) {
        let best = -1;
        let gain = 0;
        candidates.forEach((_, j) => {
          const g = rows.filter((r, i) => !covered.has(i) && r.ok[j]).length;
          if (g > gain) {
            best = j;
            gain = g;
          }
        });
        if (best < 0) break;
        chosen.push(candidates[best]!);
        rows.forEach((r, i) => {
          if (r.ok[best]) covered.add(i);
        });
      }
    }
    for (const f of given) if (!chosen.includes(f)) chosen.push(f);
    const unread = vals.filter((_, i) => !covered.has(i) && !rows[i]!.iso);
    let ambiguous: string | undefined;
    const first = chosen[0];
    if (first && /^%d[/.-]%m/.test(first)) {
      const swapped = first.replace(/^%d([/.-])%m/, "%m$1%d");
      const j = candidates.indexOf(swapped);
      if (j >= 0 && reads(j) === reads(candidates.indexOf(first))) ambiguous = `day first (${first})`;
    }
    return { formats: chosen, unread, ambiguous };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

function describeSpec(spec: unknown): string {
  if (typeof spec === "string") return `'${spec}'`;
  const s = spec as { column?: string; const?: unknown; plus_minutes?: string; from?: string; hash_of?: string[]; values?: object; prefix?: string };
  if (s.const !== undefined) return `always ${JSON.stringify(s.const)}`;
  if (s.plus_minutes) return `${s.from} + '${s.plus_minutes}' minutes`;
  if (s.hash_of) return `a hash of ${s.hash_of.map((c) => `'${c}'`).join(", ")}`;
  return `'${s.column}'${s.values ? " with a value map" : ""}${s.prefix ? ` prefixed ${s.prefix}` : ""}`;
}

const KEY_ORDER = ["description", "table", "format", "encoding", "delimiter", "quote", "skip_lines", "footer_starts_with", "records_path", "null_tokens", "timezone", "timestamp_formats", "date_formats", "missing_columns", "agent_match", "columns"];

function orderDraft(d: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of KEY_ORDER) if (d[k] !== undefined) out[k] = d[k];
  for (const [k, v] of Object.entries(d)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}

function toYaml(r: InitResult, opts: InitOptions): string {
  const lines = [
    `# Drafted by 'appraisal mapping init --file ${path.basename(opts.file)} --table ${opts.table}'.`,
    r.product
      ? `# The header matches the shipped mapping '${r.product.mapping}' (${r.product.present} of its ${r.product.of} columns).`
      : `# No shipped mapping matches this header: fields were placed by their column names.`,
    ...r.notes.map((n) => `# - ${n}`),
    ...(r.unplaced.length ? [`# Not placed: ${r.unplaced.map((u) => (u.required ? `${u.field} (required)` : u.field)).join(", ")}.`] : []),
    "# Next: appraisal mapping check --file <export> --mapping <this file>",
    "",
  ];
  const doc = new YAML.Document(r.draft);
  YAML.visit(doc, {
    Seq(_, node) {
      node.flow = true;
    },
  });
  return `${lines.join("\n")}${doc.toString({ lineWidth: 0 })}`;
}

/** Refuse to overwrite a mapping unless asked. */
export function canWrite(out: string, force: boolean): boolean {
  return force || !existsSync(out);
}
