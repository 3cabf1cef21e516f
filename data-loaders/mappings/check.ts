/**
 * `appraisal mapping check`: a dry run of a mapping on the first rows of an export. The rows go through the real
 * file loader (the same reader, the SQL check derived from the zod contract, the roster lookup, duplicate and
 * version settling, the quarantine) into an in-memory DuckDB that is thrown away: nothing is written to the
 * warehouse. The roster comes from a file, or is copied (read-only) from the warehouse's agents in force.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { ident, lit, Warehouse } from "../../core/db/warehouse.ts";
import { fieldSpecs } from "../../core/contracts/to-sql.ts";
import { contractFor } from "../../core/contracts/tables.ts";
import { openSource, sourceValue } from "../files/read.ts";
import { checkedSelectSql } from "../ingest/check-sql.ts";
import { buildAgentLookup, buildAgentLookupLists, dropAgentLookup } from "../ingest/agent-lookup.ts";
import { loadFile } from "../ingest/load-file.ts";
import { absentColumns, buildPlans } from "../ingest/plan.ts";
import { metricsWithoutInput } from "./field-needs.ts";
import type { ColumnSpec, Mapping } from "./schema.ts";

export type Roster = { file: string; mapping: Mapping & { name: string } } | { warehouse: string };

export interface CheckOptions {
  file: string;
  mapping: Mapping & { name: string };
  timezone: string;
  /** how many records to try (default 1000) */
  rows?: number;
  /** example values shown per field (default 3) */
  examples?: number;
  roster?: Roster;
}

export interface FieldReport {
  field: string;
  from: string;
  /** source text and the canonical value it became (timestamps in the department's zone) */
  examples: Array<{ before: string | null; after: string | null }>;
  /** rows that would load with a value in this field */
  filled: number;
}

export interface Problem {
  record: number | null;
  line: number | null;
  field: string;
  value: string | null;
  reason: string;
}

export interface CheckReport {
  file: string;
  mapping: string;
  table: string;
  encoding: string | null;
  rowsChecked: number;
  wouldLoad: number;
  /** older versions of a record in the same rows: kept as history, not in force */
  superseded: number;
  quarantinedRows: number;
  roster: string;
  fields: FieldReport[];
  unmapped: Array<{ field: string; required: boolean }>;
  metricsWithoutInput: Array<{ metric: string; missing: string[] }>;
  problems: Problem[];
  /** the file could not be read at all */
  fileError?: string;
}

function describe(spec: ColumnSpec): string {
  if (typeof spec === "string") return `'${spec}'`;
  if (spec.const !== undefined) return `always ${JSON.stringify(spec.const)}`;
  if (spec.plus_minutes) return `${spec.from} + '${spec.plus_minutes}' minutes`;
  if (spec.hash_of) return `hash of ${spec.hash_of.map((c) => `'${c}'`).join(", ")}`;
  return `'${spec.column}'${spec.values ? " (value map)" : ""}${spec.prefix ? ` + prefix ${spec.prefix}` : ""}${spec.default !== undefined ? ` or ${JSON.stringify(spec.default)}` : ""}`;
}

async function loadRoster(wh: Warehouse, roster: Roster | undefined, table: string): Promise<string> {
  if (table === "agents") return "not needed (this is the roster)";
  if (!roster) return "none: every agent reference will be reported unknown; give --roster <file> or ingest the roster first";
  if ("file" in roster) {
    const s = await loadFile(wh, { file: roster.file, source: "roster", mapping: roster.mapping });
    if (s.status === "failed") return `the roster ${roster.file} could not be read: ${s.message}`;
    return `${s.inserted} agent(s) from ${roster.file}${s.quarantined ? ` (${s.quarantined} roster row(s) refused)` : ""}`;
  }
  if (!existsSync(roster.warehouse)) return `none: there is no warehouse at ${roster.warehouse} yet; give --roster <file>`;
  try {
    await wh.run(`ATTACH ${lit(roster.warehouse)} AS wh_roster (READ_ONLY)`);
    try {
      const n = await wh.exec("INSERT INTO raw.agents BY NAME SELECT * FROM wh_roster.raw.agents WHERE _current");
      return `${n} agent(s) in force in the warehouse ${roster.warehouse} (read only)`;
    } finally {
      await wh.run("DETACH wh_roster");
    }
  } catch (e) {
    return `none: the warehouse ${roster.warehouse} could not be read (${(e as Error).message.split("\n")[0]}); give --roster <file>`;
  }
}

export async function checkMapping(opts: CheckOptions): Promise<CheckReport> {
  const { mapping } = opts;
  const rows = opts.rows ?? 1000;
  const contract = contractFor(mapping.table);
  const specs = fieldSpecs(contract.schema);
  const wh = await Warehouse.open(":memory:", { timezone: opts.timezone, threads: 1 });
  try {
    const roster = await loadRoster(wh, opts.roster, mapping.table);
    const s = await loadFile(wh, { file: opts.file, source: "check", mapping, force: true, limit: rows });
    const report: CheckReport = {
      file: opts.file,
      mapping: mapping.name,
      table: mapping.table,
      encoding: s.encoding ?? null,
      rowsChecked: s.rowsRead,
      wouldLoad: s.inserted + s.replaced,
      superseded: s.superseded,
      quarantinedRows: s.quarantined,
      roster,
      fields: [],
      unmapped: specs.filter((f) => mapping.columns[f.name] === undefined).map((f) => ({ field: f.name, required: f.required })),
      metricsWithoutInput: metricsWithoutInput(mapping.table, Object.keys(mapping.columns)),
      problems: await wh.all<Problem>(
        "SELECT record, line, field, value, reason FROM meta.quarantine WHERE source = 'check' ORDER BY coalesce(line, record), field",
      ),
    };
    if (s.status === "failed") {
      report.fileError = s.message;
      return report;
    }
    const filled = await wh.one<Record<string, number>>(
      `SELECT ${specs.map((f) => `count(${ident(f.name)}) AS ${ident(f.name)}`).join(", ")} FROM raw.${contract.table} WHERE _batch_id = ${s.batchId}`,
    );
    const examples = await examplesOf(wh, opts, Math.min(rows, 200), opts.examples ?? 3);
    report.fields = specs
      .filter((f) => mapping.columns[f.name] !== undefined)
      .map((f) => ({ field: f.name, from: describe(mapping.columns[f.name]!), examples: examples[f.name] ?? [], filled: Number(filled?.[f.name] ?? 0) }));
    return report;
  } finally {
    wh.close();
  }
}

/**
 * Per field, a few distinct pairs of source text and canonical value from the first rows: the rows are read again
 * as text and put through the same SQL check (every value cast in SQL), joined on their record number.
 */
async function examplesOf(wh: Warehouse, opts: CheckOptions, n: number, k: number): Promise<Record<string, Array<{ before: string | null; after: string | null }>>> {
  const { mapping } = opts;
  const contract = contractFor(mapping.table);
  const specs = fieldSpecs(contract.schema);
  const source = await openSource(wh, opts.file, mapping);
  try {
    const isJson = mapping.format === "json" || mapping.format === "ndjson";
    const first = source.recordsFromRowid
      ? `SELECT row_number() OVER () AS _record, NULL::BIGINT AS _line, * FROM (SELECT * FROM ${source.from} LIMIT ${n})`
      : `SELECT * FROM ${source.from} WHERE ${isJson ? "_bad IS NULL AND " : ""}_record <= ${n}`;
    await wh.run(`CREATE OR REPLACE TEMP TABLE check_sample AS ${first}`);
    const absent = absentColumns(mapping, specs, isJson ? null : source.columns);
    const plans = buildPlans(mapping, specs, { columns: {} }, [...absent.empty, ...absent.fatal]);
    await buildAgentLookup(wh, mapping.agent_match, "check_lookup");
    await buildAgentLookupLists(wh, "check_lookup");
    const checked = checkedSelectSql({ ...source, from: "check_sample", recordsFromRowid: false }, contract, plans, mapping, "check_lookup");
    const before = (spec: ColumnSpec | undefined): string => {
      if (spec === undefined) return "NULL";
      const cols = typeof spec === "string" ? [spec] : spec.hash_of ?? [spec.column ?? spec.plus_minutes].filter((c): c is string => Boolean(c));
      if (!cols.length) return "NULL";
      const present = cols.filter((c) => isJson || source.columns.includes(c));
      if (!present.length) return "NULL";
      const expr = (c: string) => (isJson ? sourceValue(mapping, c).replace("_json", "s._json") : `s.${ident(c)}`);
      return present.length === 1 ? `CAST(${expr(present[0]!)} AS VARCHAR)` : `concat_ws(' | ', ${present.map(expr).join(", ")})`;
    };
    const mapped = specs.filter((f) => mapping.columns[f.name] !== undefined);
    const rows = await wh.all<Record<string, string | null>>(
      `WITH c AS (${checked})
       SELECT ${mapped.map((f, i) => `${before(mapping.columns[f.name])} AS ${ident(`b${i}`)}, CAST(c.${ident(f.name)} AS VARCHAR) AS ${ident(`a${i}`)}`).join(", ")}
       FROM check_sample s JOIN c ON c._record = s._record ORDER BY s._record`,
    );
    const out: Record<string, Array<{ before: string | null; after: string | null }>> = {};
    mapped.forEach((f, i) => {
      const seen = new Set<string>();
      const pairs: Array<{ before: string | null; after: string | null }> = [];
      // values first, then empties, each pair once
      for (const pass of [true, false]) {
        for (const r of rows) {
          const pair = { before: r[`b${i}`] ?? null, after: r[`a${i}`] ?? null };
          if ((pair.before !== null || pair.after !== null) !== pass) continue;
          const key = JSON.stringify(pair);
          if (seen.has(key) || pairs.length >= k) continue;
          seen.add(key);
          pairs.push(pair);
        }
      }
      out[f.name] = pairs;
    });
    return out;
  } finally {
    await wh.run("DROP TABLE IF EXISTS check_sample").catch(() => {});
    await dropAgentLookup(wh, "check_lookup").catch(() => {});
    await source.cleanup();
  }
}

/** columns a string takes in a terminal: CJK and other wide characters take two */
const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - width(s)));
const cut = (s: string | null, n: number) => {
  if (s === null) return "(empty)";
  if (width(s) <= n) return s;
  let out = "";
  for (const ch of s) {
    if (width(out + ch) > n - 3) break;
    out += ch;
  }
  return `${out}...`;
};

/** The report for a terminal. */
export function formatCheck(r: CheckReport): string {
  const lines = [
    `mapping check: ${path.basename(r.file)} with ${r.mapping} (${r.table}), first ${r.rowsChecked} row(s); nothing was written`,
  ];
  if (r.fileError) return [...lines, `  the file cannot be loaded: ${r.fileError}`].join("\n");
  lines.push(
    `  ${r.rowsChecked} read (${r.encoding ?? "?"}): ${r.wouldLoad} would load${r.superseded ? `, ${r.superseded} older version(s) kept as history` : ""}, ${r.quarantinedRows} would be quarantined`,
    `  roster: ${r.roster}`,
    "",
    "  field                  from                                  before -> after",
  );
  for (const f of r.fields) {
    const constant = f.from.startsWith("always ");
    const ex = f.examples.length
      ? f.examples.map((e) => `${constant ? "" : e.before === null ? "(empty) " : `"${cut(e.before, 30)}" `}-> ${cut(e.after, 32)}`)
      : ["(no rows)"];
    lines.push(`  ${pad(f.field, 22)} ${pad(cut(f.from, 37), 37)} ${ex[0]}`);
    for (const e of ex.slice(1)) lines.push(`  ${pad("", 22)} ${pad("", 37)} ${e}`);
    if (f.filled === 0 && r.wouldLoad > 0) lines.push(`  ${pad("", 22)} ${pad("", 37)} (empty in every row that would load)`);
  }
  const required = r.unmapped.filter((u) => u.required);
  if (r.unmapped.length) lines.push("", `  not mapped: ${r.unmapped.map((u) => u.field).join(", ")}`);
  if (required.length) lines.push(`  REQUIRED and not mapped: ${required.map((u) => u.field).join(", ")} (no row can load until they are)`);
  if (r.metricsWithoutInput.length)
    lines.push(`  metrics without their input: ${r.metricsWithoutInput.map((m) => `${m.metric} (needs ${m.missing.join(" or ")})`).join(", ")}`);
  if (r.problems.length) {
    lines.push("", `  would be quarantined (${r.quarantinedRows} row(s)):`);
    for (const p of r.problems.slice(0, 30))
      lines.push(
        `    ${p.line !== null ? `line ${p.line}` : p.record !== null ? `record ${p.record}` : "file"}, ${p.field}${p.value !== null ? ` ${JSON.stringify(p.value)}` : ""}: ${p.reason}`,
      );
    if (r.problems.length > 30) lines.push(`    ... and ${r.problems.length - 30} more`);
  }
  return lines.join("\n");
}
