/**
 * How one mapped file becomes canonical columns: per field, the SQL text of its source value, whether DuckDB's
 * CSV reader converts it itself, and derived values (plus_minutes, defaults).
 */
import { ident, lit } from "../../core/db/warehouse.ts";
import type { FieldSpec } from "../../core/contracts/to-sql.ts";
import type { ReaderTypes } from "../files/read.ts";
import { sourceValue } from "../files/read.ts";
import { nullTokens } from "../mappings/null-tokens.ts";
import type { ColumnSpec, Mapping } from "../mappings/schema.ts";

/** Per-version default of the version column, when the source gives none. */
export const VERSION_DEFAULT: Record<string, string> = {
  tickets: "greatest(created_at, first_response_at, resolved_at, closed_at)",
};

export interface FieldPlan {
  spec: FieldSpec;
  /** SQL text value, NULL when empty */
  text: string;
  /** the source column when DuckDB's CSV reader converts it itself (typed read) */
  typedColumn?: { name: string; type: "TIMESTAMP" | "TIMESTAMPTZ" | "DATE" | "DOUBLE" };
  /** agent references: SQL text of the other columns naming the agent, by roster column (match:) */
  matchTexts?: Record<string, string>;
  /** minutes to add to another field (plus_minutes) */
  plusMinutes?: { text: string; from: string };
}

/**
 * SQL text of a field's source value, NULL when empty. Values are trimmed, except long free text (subjects,
 * comments), where surrounding spaces do not matter and trimming millions of them costs real time.
 */
export function textExpr(mapping: Mapping, spec: ColumnSpec | undefined, field?: FieldSpec): string {
  if (spec === undefined) return "NULL::VARCHAR";
  const s = typeof spec === "string" ? { column: spec } : spec;
  if (s.const !== undefined) return `${lit(String(s.const))}::VARCHAR`;
  if (s.hash_of) {
    const parts = s.hash_of.map((c) => `coalesce(${withoutNullTokens(mapping, `trim(${sourceValue(mapping, c)})`)}, '')`).join(", ");
    return `(${lit(s.prefix ?? "")} || left(md5(concat_ws(chr(31), ${parts})), 16))`;
  }
  const mapped = (e: string) => {
    if (!s.values) return e;
    const whens = Object.entries(s.values)
      .map(([from, to]) => `WHEN ${lit(from.trim().toLowerCase())} THEN ${to === null ? "NULL" : lit(String(to))}`)
      .join(" ");
    return `(CASE lower(${e}) ${whens} ELSE ${e} END)`;
  };
  if (s.object_of) {
    // one JSON object from several columns (an empty cell or a null token is null); keys in the mapping's order
    const parts = Object.entries(s.object_of).map(([key, col]) => {
      const value = sourceValue(mapping, col);
      return `${lit(key)}, ${mapped(withoutNullTokens(mapping, `nullif(trim(${value}), '')`, value))}`;
    });
    return `CAST(json_object(${parts.join(", ")}) AS VARCHAR)`;
  }
  if (s.column === undefined) return "NULL::VARCHAR";
  const longText = field !== undefined && field.kind === "string" && (field.maxLength ?? 0) > 200;
  const value = sourceValue(mapping, s.column);
  let e = mapped(withoutNullTokens(mapping, longText ? `nullif(${value}, '')` : `nullif(trim(${value}), '')`, value));
  if (s.prefix) e = `(${lit(s.prefix)} || ${e})`;
  if (s.default !== undefined) e = `coalesce(${e}, ${lit(String(s.default))})`;
  if (s.from_tags) e = tagsOverride(mapping, s.from_tags, e);
  return e;
}

/** `e` (a text value), NULL where the raw value `raw` (default `e`) is one of the file's null tokens */
function withoutNullTokens(mapping: Mapping, e: string, raw = e): string {
  const tokens = nullTokens(mapping);
  if (!tokens.length) return e;
  return `(CASE WHEN lower(trim(${raw})) IN (${tokens.map(lit).join(", ")}) THEN NULL ELSE ${e} END)`;
}

/** The value a tag in a tags column gives, else `e`: the first listed tag found wins (Zendesk's closed_by_merge). */
function tagsOverride(mapping: Mapping, tags: { column: string; values: Record<string, string> }, e: string): string {
  const list = `regexp_split_to_array(lower(${sourceValue(mapping, tags.column)}), '[\\s,;\\[\\]"]+')`;
  const whens = Object.entries(tags.values)
    .map(([tag, to]) => `WHEN list_contains(${list}, ${lit(tag.trim().toLowerCase())}) THEN ${lit(to)}`)
    .join(" ");
  return `(CASE ${whens} ELSE ${e} END)`;
}

/**
 * Where an agent reference is matched, level by level in the mapping's agent_match order: the roster column and
 * the SQL text of the export's value for it (the field's own column, or the column `match:` names for that level).
 * A level whose text is empty is skipped; the first level that finds the text in the roster decides.
 */
export function agentLevels(mapping: Mapping, plan: FieldPlan): Array<{ by: string; text: string }> {
  return mapping.agent_match.map((by) => ({ by, text: plan.matchTexts?.[by] ?? plan.text }));
}

/**
 * Columns DuckDB's CSV reader can convert itself: a plain column used by one timestamp, date or number field,
 * when the mapping gives at most one format. Conversion in the reader is the fastest path, and what does not
 * convert lands in its rejects table with line and column.
 */
export function readerTypesFor(mapping: Mapping, specs: FieldSpec[]): ReaderTypes {
  const result: ReaderTypes = { columns: {} };
  if (mapping.format !== "csv" && mapping.format !== "tsv") return result;
  const uses = new Map<string, number>();
  for (const c of sourceColumnsOf(mapping)) uses.set(c, (uses.get(c) ?? 0) + 1);
  const tsFormats = mapping.timestamp_formats;
  const dFormats = mapping.date_formats;
  for (const spec of specs) {
    const cs = mapping.columns[spec.name];
    const column = typeof cs === "string" ? cs : cs && Object.keys(cs).length === 1 && cs.column ? cs.column : undefined;
    if (!column || uses.get(column) !== 1) continue;
    if (spec.kind === "timestamp") {
      // Only a declared local format is converted by the reader: its rejects table catches what does not match.
      // (Read as TIMESTAMPTZ, DuckDB's CSV reader turns an unreadable value into NULL without a reject, and read as
      // TIMESTAMP it drops a UTC offset; ISO text with or without an offset is therefore cast in SQL.)
      if (tsFormats.length === 1 && !/%[zZ]/.test(tsFormats[0]!)) {
        result.columns[column] = "TIMESTAMP";
        result.timestampFormat = tsFormats[0];
      }
    } else if (spec.kind === "date") {
      if (dFormats.length === 0) result.columns[column] = "DATE";
      else if (dFormats.length === 1) {
        result.columns[column] = "DATE";
        result.dateFormat = dFormats[0];
      }
    } else if (spec.kind === "integer" || spec.kind === "number") {
      result.columns[column] = "DOUBLE";
    }
  }
  return result;
}

export function sourceColumnsOf(mapping: Mapping): string[] {
  const cols: string[] = [];
  for (const spec of Object.values(mapping.columns)) {
    if (typeof spec === "string") cols.push(spec);
    else {
      if (spec.column) cols.push(spec.column);
      if (spec.plus_minutes) cols.push(spec.plus_minutes);
      if (spec.hash_of) cols.push(...spec.hash_of);
      if (spec.object_of) cols.push(...Object.values(spec.object_of));
      if (spec.match) cols.push(...Object.values(spec.match).filter((c): c is string => c !== undefined));
      if (spec.from_tags) cols.push(spec.from_tags.column);
    }
  }
  return cols;
}


/** Mapped source columns the file lacks, split into those that fail the file and those read as empty. */
export function absentColumns(mapping: Mapping, specs: FieldSpec[], fileColumns: string[] | null): { fatal: string[]; empty: string[] } {
  if (fileColumns === null) return { fatal: [], empty: [] };
  const fatal: string[] = [];
  const empty: string[] = [];
  for (const spec of specs) {
    const cs = mapping.columns[spec.name];
    if (cs === undefined) continue;
    const cols =
      typeof cs === "string" ? [cs] : [cs.column, cs.plus_minutes, ...(cs.hash_of ?? []), ...Object.values(cs.object_of ?? {})].filter((x): x is string => Boolean(x));
    // columns that only help (another column to match the agent on, a tags column) are optional
    const helpers = typeof cs === "string" ? [] : [...Object.values(cs.match ?? {}), cs.from_tags?.column].filter((x): x is string => Boolean(x));
    for (const c of [...cols, ...helpers]) {
      if (fileColumns.includes(c)) continue;
      const optional = !spec.required || helpers.includes(c) || (typeof cs === "object" && cs.default !== undefined);
      (mapping.missing_columns === "null" && optional ? empty : fatal).push(c);
    }
  }
  return { fatal: [...new Set(fatal)], empty: [...new Set(empty)] };
}

export function buildPlans(mapping: Mapping, specs: FieldSpec[], readerTypes: ReaderTypes, absent: string[] = []): FieldPlan[] {
  return specs.map((spec) => {
    const declared = mapping.columns[spec.name];
    const declaredColumn = typeof declared === "string" ? declared : declared?.column;
    let colSpec: ColumnSpec | undefined = declared;
    if (declaredColumn && absent.includes(declaredColumn)) {
      // a column the file lacks is read as empty: its default, if the mapping gives one, still applies
      colSpec = typeof declared === "object" && declared.default !== undefined ? { const: declared.default } : undefined;
    }
    if (colSpec && typeof colSpec === "object" && (colSpec.match || colSpec.from_tags)) {
      // helper columns the file lacks are left out
      const match = colSpec.match ? Object.fromEntries(Object.entries(colSpec.match).filter(([, c]) => c && !absent.includes(c))) : undefined;
      const fromTags = colSpec.from_tags && !absent.includes(colSpec.from_tags.column) ? colSpec.from_tags : undefined;
      colSpec = { ...colSpec, match, from_tags: fromTags };
    }
    const plan: FieldPlan = { spec, text: textExpr(mapping, colSpec, spec) };
    const column = typeof colSpec === "string" ? colSpec : colSpec?.column;
    const typed = column ? readerTypes.columns[column] : undefined;
    if (column && typed) plan.typedColumn = { name: column, type: typed };
    if (colSpec && typeof colSpec === "object" && colSpec.match && Object.keys(colSpec.match).length) {
      plan.matchTexts = Object.fromEntries(
        Object.entries(colSpec.match).map(([by, c]) => [by, textExpr(mapping, { column: c as string })]),
      );
    }
    if (colSpec && typeof colSpec === "object" && colSpec.plus_minutes && colSpec.from) {
      plan.plusMinutes = { text: textExpr(mapping, { column: colSpec.plus_minutes }), from: colSpec.from };
    }
    return plan;
  });
}

/** quoted identifier helper re-exported for the check builder */
export { ident };
