/**
 * The bulk check of one file, as SQL derived from the canonical contract.
 */
import type { Contract } from "../../core/contracts/tables.ts";
import { castExpr, defaultLiteral, type FieldSpec, localTime, problemCases } from "../../core/contracts/to-sql.ts";
import { ident, lit } from "../../core/db/warehouse.ts";
import type { SourceFile } from "../files/read.ts";
import type { Mapping } from "../mappings/schema.ts";
import { agentLevels, type FieldPlan, VERSION_DEFAULT } from "./plan.ts";

/**
 * A SELECT over the source file giving one row per record with every field typed, `_bad` when anything is wrong,
 * and `_problems` (a list of {field, value, reason}) for the bad rows only, so that millions of good rows cost no
 * string building. The zod contract supplies the field checks (to-sql.ts); the contract's rules, its one-of
 * fields and the roster supply the rest.
 */
/** A record dated this much after its load still counts as now (clocks of helpdesks and servers differ a little). */
export const FUTURE_TOLERANCE_MS = 10 * 60_000;

export const FUTURE_REASON = "dated after the file was loaded (in the future); check the export's time zone and the clock that wrote it";

/**
 * SQL conditions for the contract's event fields: TRUE when the record is dated after `loadedAt` (plus a small
 * tolerance). Dates and quarters are compared with the load's date in the department's time zone (the session's).
 */
export function futureCases(contract: Contract, loadedAt: Date): Array<{ field: string; violated: string }> {
  const ts = `TIMESTAMPTZ ${lit(new Date(loadedAt.getTime() + FUTURE_TOLERANCE_MS).toISOString())}`;
  const day = `CAST(TIMESTAMPTZ ${lit(loadedAt.toISOString())} AS DATE)`;
  return (contract.events ?? []).map(({ field, kind }) => {
    const f = ident(field);
    const violated =
      kind === "timestamp"
        ? `${f} > ${ts}`
        : kind === "date"
          ? `${f} > ${day}`
          : `make_date(TRY_CAST(left(${f}, 4) AS INTEGER), TRY_CAST(right(${f}, 1) AS INTEGER) * 3 - 2, 1) > ${day}`;
    return { field, violated };
  });
}

/** `wallTime`: the macro reading the export's naive times in its zone (core/db/local-time.ts wallTimeFunction); the
 *  ICU cast when absent */
export function checkedSelectSql(
  source: SourceFile,
  contract: Contract,
  plans: FieldPlan[],
  mapping: Mapping,
  lookup: string,
  loadedAt: Date = new Date(),
  wallTime?: string,
): string {
  const isJson = mapping.format === "json" || mapping.format === "ndjson";
  // v__<field>: the value as read (text, or already typed by the CSV reader); vt: always text, for messages
  const textCols = plans.map((p) => `${p.typedColumn ? ident(p.typedColumn.name) : p.text} AS ${ident(`v__${p.spec.name}`)}`);
  for (const p of plans) if (p.plusMinutes) textCols.push(`${p.plusMinutes.text} AS ${ident(`m__${p.spec.name}`)}`);
  const parseOpts = { timestampFormats: mapping.timestamp_formats, dateFormats: mapping.date_formats, timezone: mapping.timezone, wallTime };
  const v = (name: string) => ident(`v__${name}`);
  const planOf = (name: string) => plans.find((p) => p.spec.name === name);
  // the value as text, for the quarantine's value column (a number the CSV reader typed loses its ".0" again)
  const vt = (name: string) => {
    const typed = planOf(name)?.typedColumn;
    if (!typed) return v(name);
    return typed.type === "DOUBLE" ? `regexp_replace(CAST(${v(name)} AS VARCHAR), '\\.0$', '')` : `CAST(${v(name)} AS VARCHAR)`;
  };
  const isAgentRef = (name: string) => contract.agentRefs.includes(name);
  const matchOnIdOnly = mapping.agent_match.length === 1 && mapping.agent_match[0] === "agent_id";
  const levelText = (name: string, by: string) => ident(`t__${name}__${by}`);
  // agent references with other columns to match on (match:): the text of each level, read once per row
  for (const p of plans) {
    if (!isAgentRef(p.spec.name) || !p.matchTexts) continue;
    for (const l of agentLevels(mapping, p)) if (l.text !== p.text) textCols.push(`${l.text} AS ${levelText(p.spec.name, l.by)}`);
  }
  /** the SQL text of each level an agent reference is matched on, in agent_match order */
  const levelsOf = (p: FieldPlan) =>
    agentLevels(mapping, p).map((l) => ({ by: l.by, text: l.text === p.text ? v(p.spec.name) : levelText(p.spec.name, l.by) }));

  /**
   * An agent reference against the roster: {cands, by}, the roster ids the first level that finds the text names
   * (exactly one: resolved; more: ambiguous), or NULL when no level finds it. Both sides are compared lower-cased.
   * Each lookup is a plain LEFT JOIN on the (small) lookup table: a correlated subquery per row cost twice the time
   * and four times the memory at 1M rows.
   */
  /** the four columns a roster match gives: the agent id (when exactly one), how many ids, the ids, the roster column */
  const MATCH_PARTS = [
    ["id", "ids"],
    ["n", "ns"],
    ["cands", "cands"],
    ["by", "bys"],
  ] as const;
  const matchPart = (name: string, part: (typeof MATCH_PARTS)[number][0]) => ident(`k${part}__${name}`);
  const codeOf = (name: string) => ident(`kc__${name}`);
  let usesLevels = false;
  /**
   * An agent reference against the roster (agent-lookup.ts): the code of its text in the lookup's ENUM, then the
   * lookup's lists read at that code (no join: joins reorder rows). With other columns to match on, the first level
   * whose text the roster has decides.
   */
  const rosterCode = (p: FieldPlan): string => {
    if (!p.matchTexts) return `enum_code(TRY_CAST(lower(${v(p.spec.name)}) AS ${lookup}_key)) AS ${codeOf(p.spec.name)}`;
    usesLevels = true;
    const codes = levelsOf(p).map((l) => `enum_code(TRY_CAST(${lit(l.by)} || chr(31) || lower(${l.text}) AS ${lookup}_lkey))`);
    return `coalesce(${codes.join(", ")}) AS ${codeOf(p.spec.name)}`;
  };
  const rosterMatch = (p: FieldPlan): string[] => {
    const lists = p.matchTexts ? "lvl" : "lkl";
    return MATCH_PARTS.map(([part, list]) => `${lists}.${list}[${codeOf(p.spec.name)} + 1] AS ${matchPart(p.spec.name, part)}`);
  };
  /** whether the export names an agent at all (on any level) */
  const named = (p: FieldPlan) => (p.matchTexts ? `coalesce(${levelsOf(p).map((l) => l.text).join(", ")}) IS NOT NULL` : `${v(p.spec.name)} IS NOT NULL`);

  /** the value as read: a plain cast, or the roster id for agent references */
  const castOf = (p: FieldPlan): string => {
    const x = v(p.spec.name);
    if (p.typedColumn) {
      if (p.typedColumn.type === "TIMESTAMP") return localTime(x, mapping.timezone, wallTime);
      if (p.typedColumn.type === "DOUBLE" && p.spec.kind === "integer")
        return `(CASE WHEN ${x} = round(${x}) AND abs(${x}) < 9e15 THEN CAST(${x} AS BIGINT) END)`;
      if (p.typedColumn.type === "DOUBLE") return `(CASE WHEN isfinite(${x}) THEN ${x} END)`;
      return x;
    }
    return isAgentRef(p.spec.name) ? matchPart(p.spec.name, "id") : castExpr(p.spec, x, parseOpts);
  };
  const c = (name: string) => ident(`c__${name}`);
  /** the final value: the cast, else derived (plus_minutes), else the default */
  const typedOf = (p: FieldPlan): string => {
    const name = p.spec.name;
    let t = c(name);
    if (p.plusMinutes) {
      const minutes = `TRY_CAST(${ident(`m__${name}`)} AS DOUBLE)`;
      t = `coalesce(${t}, ${c(p.plusMinutes.from)} + to_microseconds(CAST(round(${minutes} * 60000000) AS BIGINT)))`;
    }
    const d = defaultLiteral(p.spec);
    if (d !== undefined) t = `coalesce(${t}, ${d})`;
    return t;
  };

  // an agent reference's roster match: computed once per row, read by the typed value, the flag and the message
  const agentPlans = plans.filter((p) => isAgentRef(p.spec.name));
  const codeCols = agentPlans.map((p) => rosterCode(p));
  const matchCols = agentPlans.flatMap((p) => rosterMatch(p));
  const castCols = plans.map((p) => `${castOf(p)} AS ${c(p.spec.name)}`);
  const typedCols = plans.map((p) => `${typedOf(p)} AS ${ident(p.spec.name)}`);
  // per-field problems, judged on the value as given; the conditions they fire on
  const fieldProblem = (p: FieldPlan) => {
    const name = p.spec.name;
    // a field filled by a default or by plus_minutes may be empty in the file
    let spec: FieldSpec = p.plusMinutes || p.spec.default !== undefined ? { ...p.spec, required: false } : p.spec;
    // a name, login or email matched to the roster is not itself an id: the roster's id is checked, not the text
    if (isAgentRef(name) && !matchOnIdOnly) spec = { ...spec, pattern: undefined, maxLength: 200 };
    const cases = problemCases(spec, v(name), isAgentRef(name) ? v(name) : c(name), vt(name));
    if (p.plusMinutes) {
      const m = ident(`m__${name}`);
      cases.push([`${v(name)} IS NULL AND ${m} IS NOT NULL AND TRY_CAST(${m} AS DOUBLE) IS NULL`, "'expected a number of minutes'"]);
      cases.push([`TRY_CAST(${m} AS DOUBLE) < 0`, "'a negative number of minutes'"]);
    }
    if (isAgentRef(name)) {
      const n = matchPart(name, "n");
      const cands = matchPart(name, "cands");
      cases.push([
        `${named(p)} AND ${n} IS NULL`,
        lit(`unknown agent: not in the roster (matched on ${mapping.agent_match.join(", ")}); load or fix the roster first`),
      ]);
      cases.push([
        `${n} > 1`,
        `'ambiguous agent: ' || ${n} || ' roster entries match on ' || ${matchPart(name, "by")} || ' (' || array_to_string(${cands}, ', ') || '); match on an id or email column (agent_match, match:) or make the roster unique'`,
      ]);
    }
    return cases;
  };
  /** the text an agent reference was given as, for messages: the first level's text that is there */
  const shownText = (p: FieldPlan) => (p.matchTexts ? `coalesce(${levelsOf(p).map((l) => l.text).join(", ")})` : vt(p.spec.name));
  /** the texts an unresolved agent reference was matched on, kept for the re-check when the roster changes */
  const matchMap = (p: FieldPlan) => {
    const entries = levelsOf(p).map((l) => `{'key': ${lit(l.by)}, 'value': ${l.text}}`);
    return `map_from_entries(list_filter([${entries.join(", ")}], e -> e.value IS NOT NULL))`;
  };
  const NO_MATCH = "NULL::MAP(VARCHAR, VARCHAR)";
  const conditions: string[] = [];
  const fieldStructs: string[] = [];
  for (const p of plans) {
    const cases = fieldProblem(p);
    if (!cases.length) continue;
    conditions.push(...cases.map(([c]) => `coalesce(${c}, false)`));
    const reason = `(CASE ${cases.map(([c, r]) => `WHEN ${c} THEN ${r}`).join(" ")} END)`;
    const match = isAgentRef(p.spec.name) ? `CASE WHEN ${c(p.spec.name)} IS NULL AND ${named(p)} THEN ${matchMap(p)} END` : NO_MATCH;
    fieldStructs.push(
      `CASE WHEN ${reason} IS NOT NULL THEN {'field': ${lit(p.spec.name)}, 'value': left(${isAgentRef(p.spec.name) ? shownText(p) : vt(p.spec.name)}, 200), 'reason': ${reason}, 'match': ${match}} END`,
    );
  }
  // records dated after the load (the future) never count, and never make a period look complete
  const rules = [
    ...contract.rules,
    ...futureCases(contract, loadedAt)
      .filter((f) => planOf(f.field))
      .map((f) => ({ ...f, reason: FUTURE_REASON })),
  ];
  for (const rule of rules) {
    conditions.push(`coalesce(${rule.violated}, false)`);
  }
  const ruleStructs = rules.map(
    (r) => `CASE WHEN ${r.violated} THEN {'field': ${lit(r.field)}, 'value': left(${vt(r.field)}, 200), 'reason': ${lit(r.reason)}, 'match': ${NO_MATCH}} END`,
  );
  if (contract.oneOf) {
    const none = contract.oneOf.map((f) => `${v(f)} IS NULL`).join(" AND ");
    conditions.push(`(${none})`);
    ruleStructs.push(
      `CASE WHEN ${none} THEN {'field': ${lit(contract.oneOf.join("|"))}, 'value': NULL::VARCHAR, 'reason': ${lit(`needs at least one of ${contract.oneOf.join(", ")}`)}, 'match': ${NO_MATCH}} END`,
    );
  }
  const versionDefault = contract.version ? VERSION_DEFAULT[contract.table] : undefined;
  const fieldNames = plans.map((p) => ident(p.spec.name));
  const selectTyped = versionDefault
    ? fieldNames.map((n) => (n === ident(contract.version!) ? `coalesce(${n}, ${versionDefault}) AS ${n}` : n))
    : fieldNames;
  const from = isJson ? `(SELECT * FROM ${source.from} WHERE _bad IS NULL)` : source.from;
  const recordCols = source.recordsFromRowid ? "CAST(NULL AS BIGINT) AS _record, CAST(NULL AS BIGINT) AS _line" : "_record, _line";
  return `WITH m AS (SELECT ${recordCols}, ${textCols.join(", ")} FROM ${from}),
    mc AS (SELECT *${codeCols.map((x) => `, ${x}`).join("")} FROM m),
    mt AS (SELECT mc.*${matchCols.map((x) => `, ${x}`).join("")} FROM mc${agentPlans.length ? `, ${lookup}_list lkl` : ""}${usesLevels ? `, ${lookup}_llist lvl` : ""}),
    cst AS (SELECT *, ${castCols.join(", ")} FROM mt),
    t AS (SELECT *, ${typedCols.join(", ")} FROM cst),
    b AS (SELECT *, (${conditions.length ? conditions.join(" OR ") : "false"}) AS _bad FROM t)
    SELECT _record, _line, ${selectTyped.join(", ")}, _bad,
      CASE WHEN _bad THEN list_filter([${[...fieldStructs, ...ruleStructs].join(", ")}], x -> x IS NOT NULL) END AS _problems
    FROM b`;
}

