/**
 * Rows quarantined because the roster did not name their agent (unknown, or ambiguous between several entries) are
 * checked again whenever a roster load changes the roster: no file is read again and nothing is counted twice.
 *
 * A quarantined row keeps its typed values in its raw table and, for each unresolved agent reference, the texts it
 * was matched on (roster column -> text, in the mapping's agent_match order). The re-check matches those texts
 * against the roster as ingest does (the first roster column that finds the text decides; exactly one agent
 * resolves it), fills in the agent ids it now finds, and evaluates the contract's cross-field rules again on the
 * completed row. The quarantine lines it settles are resolved (kept as history, with the reason); a row with no
 * problem left is settled like a newly loaded one (versions, duplicates) and may come into force.
 */
import { ident, lit, type Warehouse } from "../../core/db/warehouse.ts";
import { fieldSpecs } from "../../core/contracts/to-sql.ts";
import { CONTRACTS, type Contract } from "../../core/contracts/tables.ts";
import { AgentMatch } from "../mappings/schema.ts";
import { buildAgentLookup, dropAgentLookup } from "./agent-lookup.ts";
import { correctQuarantined, resettleKeys } from "./settle.ts";

export interface RecheckResult {
  /** quarantined rows whose agent references were checked again */
  checked: number;
  /** agent references the roster now resolves */
  resolved: number;
  /** rows with no problem left: settled, in force unless a newer version is */
  fixed: number;
}

let counter = 0;

export async function recheckAgentReferences(wh: Warehouse, trigger: string): Promise<RecheckResult> {
  const result: RecheckResult = { checked: 0, resolved: 0, fixed: 0 };
  const lookup = `recheck_lookup_${process.pid}_${++counter}`;
  let built = false;
  try {
    for (const contract of Object.values(CONTRACTS)) {
      if (!contract.agentRefs.length) continue;
      const raw = `raw.${contract.table}`;
      const waiting = Number(
        await wh.value(`SELECT count(*) FROM ${raw} WHERE _bad AND len(list_filter(_problems, p -> p.match IS NOT NULL)) > 0`),
      );
      if (!waiting) continue;
      if (!built) {
        await buildAgentLookup(wh, AgentMatch.options, lookup);
        built = true;
      }
      result.checked += waiting;
      const r = await recheckTable(wh, contract, `${lookup}_levels`, trigger);
      result.resolved += r.resolved;
      result.fixed += r.fixed;
    }
    return result;
  } finally {
    if (built) await dropAgentLookup(wh, lookup);
  }
}

async function recheckTable(wh: Warehouse, contract: Contract, levels: string, trigger: string): Promise<{ resolved: number; fixed: number }> {
  const raw = `raw.${contract.table}`;
  const t = `rc_${contract.table}_${++counter}`;
  // every unresolved agent reference, matched level by level: the first level that finds its text decides
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${t} AS
    WITH probs AS (
      SELECT _batch_id AS batch_id, _record AS record, generate_subscripts(_problems, 1) AS i, unnest(_problems) AS p
      FROM ${raw} WHERE _bad AND len(list_filter(_problems, p -> p.match IS NOT NULL)) > 0
    ), refs AS (
      SELECT batch_id, record, i, p.field AS field, p.reason AS reason, p.match AS m FROM probs WHERE p.match IS NOT NULL
    ), tried AS (
      SELECT batch_id, record, i, generate_subscripts(map_keys(m), 1) AS li, unnest(map_keys(m)) AS match_by, unnest(map_values(m)) AS text FROM refs
    ), hits AS (
      SELECT x.batch_id, x.record, x.i, arg_min(k.cands, x.li) AS cands
      FROM tried x JOIN ${levels} k ON k.match_by = x.match_by AND k.key = lower(x.text) GROUP BY x.batch_id, x.record, x.i
    )
    SELECT r.batch_id, r.record, r.i, r.field, r.reason, h.cands, len(h.cands) = 1 AS resolved
    FROM refs r LEFT JOIN hits h USING (batch_id, record, i)`);
  const resolved = Number(await wh.value(`SELECT count(*) FROM ${t} WHERE resolved`));
  if (!resolved) {
    await wh.run(`DROP TABLE ${t}`);
    return { resolved: 0, fixed: 0 };
  }
  for (const field of contract.agentRefs) {
    await wh.run(`UPDATE ${raw} SET ${ident(field)} = x.cands[1] FROM ${t} x
      WHERE ${raw}._bad AND ${raw}._batch_id = x.batch_id AND ${raw}._record = x.record AND x.resolved AND x.field = ${lit(field)}`);
  }
  // the problems left: the unresolved references and the other fields' problems as they were, and the cross-field
  // rules evaluated again on the completed row
  const ruleKeys = [
    ...contract.rules.map((r) => [r.field, r.reason] as const),
    ...(contract.oneOf ? [[contract.oneOf.join("|"), `needs at least one of ${contract.oneOf.join(", ")}`] as const] : []),
  ];
  const ruleList = ruleKeys.length ? `[${ruleKeys.map(([f, r]) => `{'f': ${lit(f)}, 'r': ${lit(r)}}`).join(", ")}]` : "[]";
  const isRuleOf = (field: string, reason: string) => (ruleKeys.length ? `list_contains(${ruleList}, {'f': ${field}, 'r': ${reason}})` : "false");
  const isRule = isRuleOf("p.field", "p.reason");
  const ruleStructs = contract.rules.map(
    (r) => `CASE WHEN ${r.violated} THEN {'field': ${lit(r.field)}, 'value': left(CAST(${ident(r.field)} AS VARCHAR), 200), 'reason': ${lit(r.reason)}, 'match': NULL::MAP(VARCHAR, VARCHAR)} END`,
  );
  if (contract.oneOf) {
    ruleStructs.push(
      `CASE WHEN ${contract.oneOf.map((f) => `${ident(f)} IS NULL`).join(" AND ")} THEN {'field': ${lit(contract.oneOf.join("|"))}, 'value': NULL::VARCHAR, 'reason': ${lit(`needs at least one of ${contract.oneOf.join(", ")}`)}, 'match': NULL::MAP(VARCHAR, VARCHAR)} END`,
    );
  }
  await wh.run(`UPDATE ${raw} SET _problems = list_concat(
      list_filter(_problems, (p, i) -> NOT (list_contains(s.idx, i) OR ${isRule})),
      list_filter([${ruleStructs.join(", ")}], x -> x IS NOT NULL))
    FROM (SELECT batch_id, record, list(i) AS idx FROM ${t} WHERE resolved GROUP BY ALL) s
    WHERE ${raw}._bad AND ${raw}._batch_id = s.batch_id AND ${raw}._record = s.record`);
  // quarantine lines: the references resolved, and the rules that no longer fire
  const how = `re-checked after ${trigger}: the roster now names the agent`;
  // (a field has one line of its own besides the rules' lines: matched by record and field, not by its text)
  await wh.run(`UPDATE meta.quarantine q SET resolved_at = current_timestamp, resolution = $how
    FROM ${t} x WHERE x.resolved AND q.batch_id = x.batch_id AND q.record = x.record AND q.target_table = ${lit(contract.table)}
      AND q.field = x.field AND NOT ${isRuleOf("q.field", "q.reason")} AND q.resolved_at IS NULL`, { how });
  await wh.run(`UPDATE meta.quarantine q SET resolved_at = current_timestamp, resolution = $how
    FROM (SELECT DISTINCT x.batch_id, x.record, r._problems FROM ${t} x
      JOIN ${raw} r ON r._bad AND r._batch_id = x.batch_id AND r._record = x.record WHERE x.resolved) y
    WHERE q.batch_id = y.batch_id AND q.record = y.record AND q.target_table = ${lit(contract.table)} AND q.resolved_at IS NULL
      AND ${isRuleOf("q.field", "q.reason")}
      AND NOT list_contains(list_transform(coalesce(y._problems, []), p -> {'f': p.field, 'r': p.reason}), {'f': q.field, 'r': q.reason})`, { how });

  // rows with nothing left: good now, settled with the rows already loaded
  const fixed = `fx_${contract.table}_${counter}`;
  // (rows are named by batch and record: updating a list column moves a row to a new rowid)
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${fixed} AS SELECT DISTINCT _batch_id AS batch_id, _record AS record FROM ${raw}
    WHERE _bad AND (_batch_id, _record) IN (SELECT (batch_id, record) FROM ${t}) AND len(_problems) = 0`);
  const n = await wh.exec(`UPDATE ${raw} SET _bad = false, _problems = NULL, _current = false
    WHERE _bad AND (_batch_id, _record) IN (SELECT (batch_id, record) FROM ${fixed})`);
  if (n > 0) await settleFixed(wh, contract, fixed);
  await wh.run(`DROP TABLE ${t}; DROP TABLE ${fixed}`);
  return { resolved, fixed: n };
}

/** Rows that became good: a copy identical to one already loaded goes; each key's newest good row is in force. */
async function settleFixed(wh: Warehouse, contract: Contract, fixed: string): Promise<void> {
  const raw = `raw.${contract.table}`;
  const specs = fieldSpecs(contract.schema);
  const key = contract.key.map(ident);
  const keyList = key.join(", ");
  const same = specs.map((s) => `n.${ident(s.name)} IS NOT DISTINCT FROM o.${ident(s.name)}`).join(" AND ");
  const rids = `${fixed}_rids`;
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${rids} AS
    SELECT rowid AS rid FROM ${raw} WHERE NOT _bad AND (_batch_id, _record) IN (SELECT (batch_id, record) FROM ${fixed})`);
  await wh.run(`DELETE FROM ${raw} WHERE rowid IN (
    SELECT n.rowid FROM ${raw} n JOIN ${raw} o ON ${key.map((k) => `n.${k} = o.${k}`).join(" AND ")}
    WHERE n.rowid IN (SELECT rid FROM ${rids}) AND NOT o._bad AND o.rowid <> n.rowid
      AND (o.rowid NOT IN (SELECT rid FROM ${rids}) OR o.rowid < n.rowid) AND ${same})`);
  const keys = `${fixed}_keys`;
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${keys} AS SELECT DISTINCT ${keyList} FROM ${raw} WHERE rowid IN (SELECT rid FROM ${rids})`);
  await resettleKeys(wh, contract, specs, keys);
  await correctQuarantined(wh, contract, { good: `g.rowid IN (SELECT rid FROM ${rids})` });
  await wh.run(`DROP TABLE ${keys}; DROP TABLE ${rids}`);
}
