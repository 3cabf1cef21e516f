/**
 * Shards: the per-agent and per-period JSON files the boards fetch by URL parameter, cut from the published
 * tables (never from the warehouse), so one agent's page loads one small file whatever the department's size.
 * Why one agent page and a file per agent rather than a built page per agent: Framework builds a page in about
 * 60 ms (measured with a trivial parameterized page at 100 and 400 paths: 9.9 s and 27.7 s), so 2,000 agent
 * pages alone would take two minutes, and a data loader per page more; copying 2,000 files takes under a second.
 * DuckDB builds each file's JSON text ({"columns": [...], "rows": [[...], ...]} per table); Node only writes the files.
 */
import { existsSync, linkSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { ident, lit } from "../../core/db/warehouse.ts";
import { shardName } from "../../src/components/shard-name.js";
import type { Timed } from "./steps.ts";
import { PUBLISHED_TABLES } from "./tables.ts";

/**
 * Write `text` to `file`, or, when the previous snapshot holds the same bytes at the same place (`previous`), hard-link
 * that file instead: a refresh that changed a few agents or periods writes only their files, and two snapshots share
 * the rest. Files of a snapshot are never written again once it is complete, so a shared file cannot change under
 * either of them.
 */
export function writeOrLink(file: string, text: string, previous: string | null): "written" | "linked" {
  if (previous) {
    try {
      const bytes = Buffer.from(text, "utf8");
      if (statSync(previous).size === bytes.length && readFileSync(previous).equals(bytes)) {
        linkSync(previous, file);
        return "linked";
      }
    } catch {
      // no such file in the previous snapshot (or no hard links here): write it
    }
  }
  writeFileSync(file, text);
  return "written";
}

/** A shard's file name: collision-free and reversible, the same function the pages use (src/components/shard-name.js). */
export { shardName };

type Col = string | [name: string, expr: string];
const nameOf = (c: Col) => (typeof c === "string" ? c : c[0]);
const exprOf = (c: Col) => (typeof c === "string" ? ident(c) : c[1]);

/**
 * A query of one JSON table per group (`j`, with the group `k`): {"columns": [names], "rows": [[values], ...]},
 * rows in `orderBy` order. DuckDB writes the text itself: one string_agg with one sort per group (a list() with
 * ORDER BY per column sorted once per column, and took most of a minute at 2,000 agents). Values go through
 * to_json, which writes doubles in full (round-trip) precision: a board formats them as `appraisal explain` does.
 */
export function tableJsonQuery(opts: { from: string; key?: string; columns: Col[]; orderBy: string; where?: string }): string {
  const { from, key, columns, orderBy, where } = opts;
  const names = JSON.stringify(columns.map(nameOf));
  const row = `'[' || concat_ws(',', ${columns.map((c) => `coalesce(to_json(${exprOf(c)})::VARCHAR, 'null')`).join(", ")}) || ']'`;
  return `SELECT ${key ?? "NULL"} AS k, ${lit(`{"columns":${names},"rows":[`)} || coalesce(string_agg(${row}, ',' ORDER BY ${orderBy}), '') || ']}' AS j
    FROM ${from} ${where ? `WHERE ${where}` : ""} ${key ? `GROUP BY ${key}` : ""}`;
}

// Doubles keep full precision: a board formats 39.9999999 as "40.0" and 40 as "40", as `appraisal explain` does,
// and rounding in the file would turn the one into the other.

const PERIOD_ORDER = "case period_type when 'month' then 0 when 'quarter' then 1 else 2 end, period";

/**
 * The shards' columns are the board models' columns (DESCRIBE of the published table), but those a file carries
 * elsewhere: a new column in a board model reaches its shards without an edit here. What each part leaves out:
 */
const AGENT = ["agent_id", "display_name", "department"]; // the file's "agent" (and the key it is cut by)
const PER_PERIOD = ["period_type", "period"]; // a row's period is its `p`, an index into the agent's periods
const OMIT = {
  /** the agent's periods: grade names are in the scheme, the previous composite and rank in the previous period's row */
  rankings: [...AGENT, "grade_name_en", "grade_name_zh", "previous_composite", "previous_rank"],
  /** an indicator's scheme facts (version, dimension, order, metric, nominal weight) are the scheme's; `i` is its id */
  indicator_scores: [...PER_PERIOD, "agent_id", "version", "dimension_id", "indicator_id", "ord", "metric", "metric_kind", "nominal_weight"],
  /** `d` is the dimension; its weight is the scheme's */
  dimension_scores: [...PER_PERIOD, "agent_id", "dimension_id", "dimension_weight"],
  /** `relation` and `dimension` are indexes into the dictionaries */
  agent_360_groups: [...PER_PERIOD, "agent_id", "relation", "dimension"],
  incentives: [...PER_PERIOD, "agent_id"],
  /** the agent page shows the state and the committee's word; the rest is the tracker board's (management/tracker.json) */
  tracker: [
    "period", "agent_id", "display_name", "team", "composite", "department_rank", "department_ranked", "bottom_cut", "in_bottom_group",
    "tied_at_cut", "quality_trigger", "efficiency_trigger", "rank_low", "rank_high", "uncertainty_note", "committee_members", "awaiting_decision",
  ],
  /** a period's rankings file: the period is the file's */
  period_rankings: [...PER_PERIOD, "version", "department", "grade_name_en", "grade_name_zh", "previous_composite", "previous_rank"],
  agent_appeals: ["agent_id"],
  acknowledgements: ["agent_id"],
};

/** The columns of a published table (its board model) but `omit`, after `keys`; booleans as 0/1 where `intBooleans`. */
async function columnsFrom(wh: Warehouse, from: string, omit: string[], opts: { keys?: Col[]; intBooleans?: boolean } = {}): Promise<Col[]> {
  const described = await wh.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${from}`);
  const missing = omit.filter((c) => !described.some((d) => d.column_name === c));
  if (missing.length) throw new Error(`a shard leaves out column(s) ${missing.join(", ")} that ${from} does not have: update OMIT in pipelines/publish/shards.ts`);
  const rest = described
    .filter((d) => !omit.includes(d.column_name))
    .map((d): Col => (opts.intBooleans && d.column_type === "BOOLEAN" ? [d.column_name, `${ident(d.column_name)}::int`] : d.column_name));
  return [...(opts.keys ?? []), ...rest];
}

/** Management tables cut into a file per agent rather than one file: the ids behind each agent's indicators (shards/inputs/). */
const PER_AGENT_FILES = new Set(["input_ids"]);

/**
 * The management build's tables the boards fetch as one file each, shards/management/<name>.json: every board model
 * whose header says `audience: management` and `shard_only: yes`, but those cut per agent.
 */
export const MANAGEMENT_FILES: string[] = PUBLISHED_TABLES.filter((x) => x.audience === "management" && x.shardOnly && !PER_AGENT_FILES.has(x.name)).map(
  (x) => x.name,
);

/** Write shards/agents/<id>.json and shards/rankings/<period>.json from the snapshot's Parquet tables in `dir`. */
export async function writeShards(
  wh: Warehouse,
  dir: string,
  timed: Timed = async (_step, fn) => fn(),
  /** the snapshot before this one: files whose bytes did not change are hard-linked from it (writeOrLink) */
  previous: string | null = null,
): Promise<{ agents: number; periods: number; written: number; linked: number }> {
  const count = { written: 0, linked: 0 };
  const put = (file: string, text: string) => {
    count[writeOrLink(file, text, previous ? path.join(previous, path.relative(dir, file)) : null)]++;
  };
  const t = (name: string) => `read_parquet(${lit(path.join(dir, "tables", `${name}.parquet`))})`;
  const agentsDir = path.join(dir, "shards", "agents");
  const rankingsDir = path.join(dir, "shards", "rankings");
  mkdirSync(agentsDir, { recursive: true });
  mkdirSync(rankingsDir, { recursive: true });

  const parts = async (what: string, sql: string) => timed(`shards: ${what}`, async () => new Map((await wh.all<{ k: string; j: string }>(sql)).map((r) => [r.k, r.j])));
  // dictionaries shared by every agent file (rows carry indexes into them) and each agent's period index, as
  // temporary tables joined by key (allowed on a read-only warehouse; dropped at the end)
  const dicts: Array<[string, string, string]> = [
    ["indicator_ids", "indicator_id", "indicator_scores"],
    ["dimension_ids", "dimension_id", "dimension_scores"],
    ["relations", "relation", "agent_360_groups"],
    ["dimensions", "dimension", "agent_360_groups"],
  ];
  for (const [name, col, table] of dicts)
    await wh.run(
      `CREATE OR REPLACE TEMP TABLE shard_dict_${name} AS SELECT ${col} AS v, row_number() OVER (ORDER BY ${col}) - 1 AS ix FROM (SELECT DISTINCT ${col} FROM ${t(table)})`,
    );
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE shard_pidx AS SELECT agent_id, period, row_number() OVER (PARTITION BY agent_id ORDER BY ${PERIOD_ORDER}) - 1 AS pi FROM ${t("rankings")}`,
  );
  const dictParts: string[] = [];
  for (const [name] of dicts)
    dictParts.push(`"${name}":${await wh.value<string>(`SELECT to_json(coalesce(list(v ORDER BY ix), []))::VARCHAR FROM shard_dict_${name}`)}`);
  const dictJson = `{${dictParts.join(",")}}`;
  const pidx = "shard_pidx p";
  // the agent file's parts index their period (`p`) and dictionary values; their booleans are written as 0/1
  const RANKING_COLUMNS = await columnsFrom(wh, t("rankings"), OMIT.rankings);
  const INDICATOR_COLUMNS = await columnsFrom(wh, t("indicator_scores"), OMIT.indicator_scores, { keys: [["p", "p.pi"], ["i", "di.ix"]], intBooleans: true });
  const DIMENSION_COLUMNS = await columnsFrom(wh, t("dimension_scores"), OMIT.dimension_scores, { keys: [["p", "p.pi"], ["d", "dd.ix"]], intBooleans: true });
  // 360 groups of quarters and years only (a month shows its quarter's reviews)
  const R360_COLUMNS = await columnsFrom(wh, t("agent_360_groups"), OMIT.agent_360_groups, {
    keys: [["p", "p.pi"], ["relation", "dr.ix"], ["dimension", "d3.ix"]],
    intBooleans: true,
  });
  const INCENTIVE_COLUMNS = await columnsFrom(wh, t("incentives"), OMIT.incentives, { keys: [["p", "p.pi"]], intBooleans: true });
  // the agent's own appeals (no reason, evidence or decision text: the board model has none) and acknowledgements
  const APPEAL_COLUMNS = await columnsFrom(wh, t("agent_appeals"), OMIT.agent_appeals);
  const ACK_COLUMNS = await columnsFrom(wh, t("acknowledgements"), OMIT.acknowledgements);
  const PERIOD_RANKING_COLUMNS = await columnsFrom(wh, t("rankings"), OMIT.period_rankings);
  const rankings = await parts("rankings", tableJsonQuery({ from: t("rankings"), key: "agent_id", columns: RANKING_COLUMNS, orderBy: PERIOD_ORDER }));
  // every agent of the agents table has a file, even one with no period this audience may see by name (the staff
  // build before a publication): the agent page then says so instead of failing on a missing file
  const who = await parts(
    "agents",
    `SELECT agent_id AS k, to_json({agent_id: agent_id, display_name: display_name, team: team, department: department})::VARCHAR AS j
     FROM ${t("agents")}`,
  );
  const indicators = await parts(
    "indicators",
    tableJsonQuery({ from: `${t("indicator_scores")} s JOIN ${pidx} USING (agent_id, period) JOIN shard_dict_indicator_ids di ON di.v = s.indicator_id`, key: "s.agent_id", columns: INDICATOR_COLUMNS, orderBy: "p.pi, s.ord" }),
  );
  const dimensions = await parts(
    "dimensions",
    tableJsonQuery({ from: `${t("dimension_scores")} s JOIN ${pidx} USING (agent_id, period) JOIN shard_dict_dimension_ids dd ON dd.v = s.dimension_id`, key: "s.agent_id", columns: DIMENSION_COLUMNS, orderBy: "p.pi, s.dimension_id" }),
  );
  const r360 = await parts(
    "r360",
    tableJsonQuery({
      from: `${t("agent_360_groups")} s JOIN ${pidx} USING (agent_id, period) JOIN shard_dict_relations dr ON dr.v = s.relation JOIN shard_dict_dimensions d3 ON d3.v = s.dimension`,
      key: "s.agent_id",
      columns: R360_COLUMNS,
      orderBy: "p.pi, s.relation, s.dimension",
      where: "s.period_type IN ('quarter', 'year')",
    }),
  );
  const incentives = await parts(
    "incentives",
    tableJsonQuery({ from: `${t("incentives")} s JOIN ${pidx} USING (agent_id, period)`, key: "s.agent_id", columns: INCENTIVE_COLUMNS, orderBy: "p.pi" }),
  );
  const appeals = await parts("appeals", tableJsonQuery({ from: t("agent_appeals"), key: "agent_id", columns: APPEAL_COLUMNS, orderBy: "period, appeal_id" }));
  const acks = await parts("acks", tableJsonQuery({ from: t("acknowledgements"), key: "agent_id", columns: ACK_COLUMNS, orderBy: "period" }));
  // management tables exist only in a management snapshot: only then do agent files and the management folder carry them
  const has = (name: string) => existsSync(path.join(dir, "tables", `${name}.parquet`));
  // management only: the agent's bottom-20% tracker state per quarter
  const TRACKER_COLUMNS = has("tracker") ? await columnsFrom(wh, t("tracker"), OMIT.tracker, { keys: [["p", "p.pi"]], intBooleans: true }) : [];
  const tracker = has("tracker")
    ? await parts("tracker", tableJsonQuery({ from: `${t("tracker")} s JOIN ${pidx} USING (agent_id, period)`, key: "s.agent_id", columns: TRACKER_COLUMNS, orderBy: "p.pi" }))
    : null;
  const empty = (cols: Col[]) => JSON.stringify({ columns: cols.map(nameOf), rows: [] });
  await timed("shards: write agent files", () => {
    for (const [id, agent] of who) {
      const json = `{"agent":${agent},"dict":${dictJson},"periods":${rankings.get(id) ?? empty(RANKING_COLUMNS)},"dimensions":${dimensions.get(id) ?? empty(DIMENSION_COLUMNS)},"indicators":${
        indicators.get(id) ?? empty(INDICATOR_COLUMNS)
      },"r360":${r360.get(id) ?? empty(R360_COLUMNS)},"incentives":${incentives.get(id) ?? empty(INCENTIVE_COLUMNS)},"appeals":${
        appeals.get(id) ?? empty(APPEAL_COLUMNS)
      },"acks":${acks.get(id) ?? empty(ACK_COLUMNS)}${tracker ? `,"tracker":${tracker.get(id) ?? empty(TRACKER_COLUMNS)}` : ""}}`;
      put(path.join(agentsDir, `${shardName(id)}.json`), json);
    }
  });

  const perPeriod = await parts("period rankings", tableJsonQuery({ from: t("rankings"), key: "period", columns: PERIOD_RANKING_COLUMNS, orderBy: "ranked DESC, department_rank, agent_id" }));
  const dimsPerPeriod = await parts(
    "period dimensions",
    tableJsonQuery({ from: t("dimension_scores"), key: "period", columns: ["agent_id", "dimension_id", "score"], orderBy: "agent_id, dimension_id" }),
  );
  for (const [period, rows] of perPeriod) {
    put(path.join(rankingsDir, `${shardName(period)}.json`), `{"period":${JSON.stringify(period)},"rankings":${rows},"dimensions":${dimsPerPeriod.get(period) ?? empty(["agent_id", "dimension_id", "score"])}}`);
  }
  if (has("hr_cells")) await writeHrCells(wh, dir, t("hr_cells"), t("scheme_indicators"), parts, put);
  if (has("input_ids")) {
    // management: the ids behind each agent's indicators in the published periods, one file per agent (an empty one
    // for an agent with none yet, so that the agent page's request finds a file rather than a 404)
    const inputsDir = path.join(dir, "shards", "inputs");
    mkdirSync(inputsDir, { recursive: true });
    const columns: Col[] = ["period", "input_set", "input_kind", "inputs", "ids"];
    const ids = await parts("input ids", tableJsonQuery({ from: t("input_ids"), key: "agent_id", columns, orderBy: "period, input_set" }));
    for (const id of new Set([...who.keys(), ...ids.keys()])) put(path.join(inputsDir, `${shardName(id)}.json`), ids.get(id) ?? empty(columns));
  }
  for (const name of MANAGEMENT_FILES) {
    if (!has(name)) continue;
    const managementDir = path.join(dir, "shards", "management");
    mkdirSync(managementDir, { recursive: true });
    const cols = (await wh.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${t(name)}`)).map((c) => c.column_name);
    const json = await wh.value<string>(tableJsonQuery({ from: t(name), columns: cols, orderBy: cols.map(ident).join(", ") }).replace(/^SELECT NULL AS k, /, "SELECT "));
    put(path.join(managementDir, `${name}.json`), json);
  }
  for (const [name] of dicts) await wh.run(`DROP TABLE IF EXISTS shard_dict_${name}`);
  await wh.run("DROP TABLE IF EXISTS shard_pidx");
  return { agents: who.size, periods: perPeriod.size, ...count };
}

/** The HR board's cells: the file of the indicator the board shows first, the composite score. */
export const HR_FIRST = "composite";

/**
 * shards/hr/<indicator>.json: the published table hr_cells cut by indicator (the composite is one), each file
 * {"indicator_id": ..., "cells": {"columns": [...], "rows": [...]}} with the table's columns but indicator_id (the
 * file's) and its rows in the table's order. The HR board reads one indicator at a time: its first view loads the
 * composite's file (at 2,000 agents 1/18 of the table's 1 MB), another indicator's file when it is chosen. The
 * union of the files is the table (test/publish/publish.test.ts). The composite and every indicator of the scheme
 * (scheme_indicators) have a file, an empty one where the table has no cells (no ranked quarter yet, an indicator
 * not scored): whatever the board's selector offers, its request finds a file.
 */
async function writeHrCells(
  wh: Warehouse,
  dir: string,
  table: string,
  schemeIndicators: string,
  parts: (what: string, sql: string) => Promise<Map<string, string>>,
  put: (file: string, text: string) => void,
): Promise<void> {
  const hrDir = path.join(dir, "shards", "hr");
  mkdirSync(hrDir, { recursive: true });
  const columns = await columnsFrom(wh, table, ["indicator_id"]);
  const numbered = table.replace(/\)$/, ", file_row_number = true)");
  const cells = await parts("hr cells", tableJsonQuery({ from: numbered, key: "indicator_id", columns, orderBy: "file_row_number" }));
  const empty = JSON.stringify({ columns: columns.map(nameOf), rows: [] });
  const offered = await wh.all<{ id: string }>(`SELECT DISTINCT indicator_id AS id FROM ${schemeIndicators} ORDER BY 1`);
  for (const id of [HR_FIRST, ...offered.map((r) => r.id)]) if (!cells.has(id)) cells.set(id, empty);
  for (const [indicator, json] of cells) put(path.join(hrDir, `${shardName(indicator)}.json`), `{"indicator_id":${JSON.stringify(indicator)},"cells":${json}}`);
}
