/**
 * Final is final, and provisional is what was published (issue 10 item 1). A run never changes what a published
 * period shows:
 * - `freezePeriod` (called by publication, in its transaction) copies every row the boards read for the period from
 *   the mart relations the published tables select from (rankings, indicator and dimension scores, input counts, 360
 *   groups, team and grade figures, incentives, the tracker, ...) into frozen.<relation>, as revision n.
 * - `overlay` (the snapshot writer) reads, for each published period, the frozen revision in force instead of the live
 *   rows; other periods stay live.
 * - `recordPendingChanges` (after each run) compares the live results of every published period with its frozen
 *   revision and records what a later run would change (meta.pending_changes: which agent, which figure, old -> new).
 *   `run` warns of them, `status` lists them, the boards say so; only `reopen` (a final period) and a new publication
 *   let them in.
 * - `frozenDifferences` (verify) checks that the frozen rows still hash to what the period's manifest recorded.
 */
import type { Warehouse } from "../../core/db/warehouse.ts";
import { lit } from "../../core/db/warehouse.ts";
import { type Fingerprint, fingerprint } from "../proof/fingerprint.ts";
import { PUBLISHED_TABLES } from "../publish/tables.ts";

export interface FrozenRelation {
  /** the mart relation's name without schema: rankings */
  name: string;
  periodCol: "period" | "quarter";
  hasScheme: boolean;
}

const q = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** The mart relations the published tables read that hold per-period rows: what a publication freezes. */
export async function frozenRelations(wh: Warehouse): Promise<FrozenRelation[]> {
  const names = [...new Set(PUBLISHED_TABLES.flatMap((t) => [...t.sql.matchAll(/\bmart\.([a-z_0-9]+)\b/g)].map((m) => m[1]!)))].sort();
  // every mart relation's columns in one catalogue query (tables and views): a DESCRIBE per relation took seconds
  const columns = new Map<string, Set<string>>();
  for (const r of await wh.all<{ t: string; c: string }>(
    "SELECT table_name AS t, column_name AS c FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'mart'",
  ))
    columns.set(r.t, (columns.get(r.t) ?? new Set()).add(r.c));
  const out: FrozenRelation[] = [];
  for (const name of names) {
    const cols = columns.get(name);
    if (!cols) continue;
    const periodCol = cols.has("period") ? "period" : cols.has("quarter") ? "quarter" : null;
    if (periodCol) out.push({ name, periodCol, hasScheme: cols.has("scheme_id") });
  }
  return out;
}

/** The tables of the frozen schema, in one catalogue query. */
async function frozenTables(wh: Warehouse): Promise<Set<string>> {
  return new Set(
    (await wh.all<{ t: string }>("SELECT table_name AS t FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'frozen'")).map((r) => r.t),
  );
}

async function frozenExists(wh: Warehouse, name: string): Promise<boolean> {
  return (await frozenTables(wh)).has(name);
}

/** Freeze the period's rows of every published mart relation as revision `revision` (inside the publication's transaction). */
export async function freezePeriod(wh: Warehouse, scheme: string, period: string, revision: number): Promise<number> {
  let total = 0;
  await wh.run("CREATE SCHEMA IF NOT EXISTS frozen");
  for (const r of await frozenRelations(wh)) {
    const select = `SELECT ${lit(scheme)} AS _scheme, CAST(${revision} AS INTEGER) AS _revision, * FROM mart.${r.name}
      WHERE ${r.periodCol} = ${lit(period)}${r.hasScheme ? ` AND scheme_id = ${lit(scheme)}` : ""}`;
    const cols = await wh.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM mart.${r.name}`);
    if (!(await frozenExists(wh, r.name))) await wh.run(`CREATE TABLE frozen.${r.name} AS ${select}`);
    else {
      // a relation that gained a column since it was first frozen: the frozen table gains it too (earlier rows NULL)
      const have = new Set((await wh.all<{ c: string }>(`SELECT column_name AS c FROM (DESCRIBE frozen.${r.name})`)).map((x) => x.c));
      for (const c of cols) if (!have.has(c.column_name)) await wh.run(`ALTER TABLE frozen.${r.name} ADD COLUMN ${q(c.column_name)} ${c.column_type}`);
      await wh.run(`INSERT INTO frozen.${r.name} BY NAME ${select}`);
    }
    const rows = Number(await wh.value(`SELECT count(*) FROM frozen.${r.name} WHERE _scheme = $s AND _revision = $r AND ${r.periodCol} = $p`, { s: scheme, r: revision, p: period }));
    await wh.run("INSERT INTO meta.frozen_revisions VALUES ($s, $p, $r, $rel, $cols::VARCHAR[], $n)", {
      s: scheme,
      p: period,
      r: revision,
      rel: `mart.${r.name}`,
      cols: JSON.stringify(cols.map((c) => c.column_name)),
      n: rows,
    });
    total += rows;
  }
  return total;
}

/** The frozen rows of one relation for a publication, with the columns it had then. */
function frozenSelect(r: FrozenRelation, columns: string[], scheme: string, period: string, revision: number): string {
  return `SELECT ${columns.map(q).join(", ")} FROM frozen.${r.name}
    WHERE _scheme = ${lit(scheme)} AND _revision = ${revision} AND ${r.periodCol} = ${lit(period)}${r.hasScheme ? ` AND scheme_id = ${lit(scheme)}` : ""}`;
}

/** The published periods whose frozen revision is in force (a publication from before freezing existed stays live). */
const FROZEN_STATES = `SELECT DISTINCT ps.scheme_id, ps.period, ps.state, ps.revision FROM meta.period_states ps
  JOIN meta.frozen_revisions f ON f.scheme_id = ps.scheme_id AND f.period = ps.period AND f.revision = ps.revision`;

export interface Overlay {
  /**
   * `sql` reading the frozen revision of every published period instead of the live rows. `publishedOnly`: `sql`
   * keeps only the rows of `scheme` (where a relation has a scheme) in its published periods (a board model that says
   * `-- periods: published`); it then reads views holding only those rows, so the live relations are not computed for
   * periods whose rows the overlay replaces anyway (a 2,000-agent management snapshot's input ids: 2.8 s -> 0.6 s).
   */
  rewrite(sql: string, opts?: { publishedOnly?: boolean }): string;
  drop(): Promise<void>;
}

/**
 * Temporary views (allowed on a read-only warehouse) ov_<relation>: the live rows of periods not published, and the
 * frozen revision in force of the published ones. Relations without a scheme column follow the publications of
 * `scheme` (the boards' scheme). And ov_<relation>__published: the same rows of `scheme`'s published periods only,
 * their periods written in as constants (DuckDB then prunes the live relation, which a view that computes its rows
 * before any filter, such as indicator_inputs, would otherwise compute whole to keep none).
 */
export async function overlay(wh: Warehouse, scheme: string): Promise<Overlay> {
  const hasMeta = Number(await wh.value("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'meta' AND table_name = 'frozen_revisions'"));
  if (!hasMeta) return { rewrite: (sql) => sql, drop: async () => {} };
  await wh.run(`CREATE OR REPLACE TEMP TABLE ov_states_all AS ${FROZEN_STATES}`);
  await wh.run(`CREATE OR REPLACE TEMP TABLE ov_states AS SELECT * FROM ov_states_all WHERE scheme_id = ${lit(scheme)}`);
  // the scheme's published periods, and those of them without a frozen revision (published before freezing existed)
  const periods = async (sql: string) => (await wh.all<{ p: string }>(sql)).map((r) => lit(r.p));
  const stated = await periods(`SELECT DISTINCT period AS p FROM meta.period_states WHERE scheme_id = ${lit(scheme)} ORDER BY 1`);
  const liveStated = await periods(`SELECT period AS p FROM meta.period_states WHERE scheme_id = ${lit(scheme)} EXCEPT SELECT period FROM ov_states ORDER BY 1`);
  const inList = (col: string, list: string[]) => (list.length ? `${col} IN (${list.join(", ")})` : "false");
  const views = new Map<string, string>();
  const frozenNow = await frozenTables(wh);
  for (const r of await frozenRelations(wh)) {
    if (!frozenNow.has(r.name)) continue;
    const states = r.hasScheme ? "ov_states_all" : "ov_states";
    const view = `ov_${r.name}`;
    const live = `SELECT * FROM mart.${r.name} m
      WHERE NOT EXISTS (SELECT 1 FROM ${states} s WHERE s.period = m.${r.periodCol}${r.hasScheme ? " AND s.scheme_id = m.scheme_id" : ""})`;
    const frozenRows = `SELECT f.* EXCLUDE (_scheme, _revision) FROM frozen.${r.name} f
      JOIN ${states} s ON s.scheme_id = f._scheme AND s.period = f.${r.periodCol} AND s.revision = f._revision`;
    await wh.run(`CREATE OR REPLACE TEMP VIEW ${view} AS ${live} UNION ALL BY NAME ${frozenRows}`);
    const ofScheme = (alias: string) => (r.hasScheme ? ` AND ${alias}.scheme_id = ${lit(scheme)}` : "");
    await wh.run(`CREATE OR REPLACE TEMP VIEW ${view}__published AS
      SELECT * FROM mart.${r.name} m WHERE ${inList(`m.${r.periodCol}`, liveStated)}${ofScheme("m")}
      UNION ALL BY NAME
      ${frozenRows} WHERE ${inList(`f.${r.periodCol}`, stated)}${ofScheme("f")}`);
    views.set(r.name, view);
  }
  return {
    rewrite: (sql, opts = {}) =>
      sql.replace(/\bmart\.([a-z_0-9]+)\b/g, (m, name: string) => {
        const view = views.get(name);
        return view ? (opts.publishedOnly ? `${view}__published` : view) : m;
      }),
    drop: async () => {
      for (const v of views.values()) await wh.run(`DROP VIEW IF EXISTS ${v}; DROP VIEW IF EXISTS ${v}__published`);
      await wh.run("DROP TABLE IF EXISTS ov_states; DROP TABLE IF EXISTS ov_states_all");
    },
  };
}

export interface PendingSummary {
  scheme_id: string;
  period: string;
  state: string;
  revision: number;
  agents: number;
  figures: number;
  /** a few changes, for the run's warning: "E1007 rank 1 -> 3" */
  examples: string[];
}

const num = (x: string) => `CASE WHEN ${x} IS NULL THEN NULL ELSE regexp_replace(CAST(round(${x}, 4) AS VARCHAR), '\\.0$', '') END`;
const differs = (a: string, b: string) => `((${a}) IS DISTINCT FROM (${b}) AND NOT coalesce(abs((${a}) - (${b})) < 1e-9, false))`;

/**
 * What the live results would change in each published period: per agent and figure, the frozen value and the live
 * one (meta.pending_changes, rebuilt by every run).
 */
export async function recordPendingChanges(wh: Warehouse, runId: number): Promise<PendingSummary[]> {
  const hasMeta = Number(await wh.value("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'meta' AND table_name = 'pending_changes'"));
  if (!hasMeta) return [];
  await wh.run("DELETE FROM meta.pending_changes");
  const states = await wh.all<{ scheme_id: string; period: string; state: string; revision: number }>(`${FROZEN_STATES} ORDER BY 1, 2`);
  const rels = new Map((await frozenRelations(wh)).map((r) => [r.name, r]));
  for (const s of states) {
    const head = `${lit(s.scheme_id)}, ${lit(s.period)}, ${lit(s.state)}, ${Number(s.revision)}, ${runId}`;
    const f = (name: string) => `(SELECT * FROM frozen.${name} WHERE _scheme = ${lit(s.scheme_id)} AND _revision = ${Number(s.revision)} AND ${rels.get(name)?.periodCol ?? "period"} = ${lit(s.period)}${rels.get(name)?.hasScheme ? ` AND scheme_id = ${lit(s.scheme_id)}` : ""})`;
    const m = (name: string) => `(SELECT * FROM mart.${name} WHERE ${rels.get(name)?.periodCol ?? "period"} = ${lit(s.period)}${rels.get(name)?.hasScheme ? ` AND scheme_id = ${lit(s.scheme_id)}` : ""})`;
    const has = async (name: string) => rels.has(name) && (await frozenExists(wh, name));
    const insert = (select: string) => wh.run(`INSERT INTO meta.pending_changes SELECT ${head}, agent_id, figure, old, new FROM (${select}) WHERE changed`);
    if (await has("rankings")) {
      const j = `${f("rankings")} a FULL JOIN ${m("rankings")} b USING (agent_id)`;
      await insert(`
        SELECT agent_id, 'composite' AS figure, ${num("a.composite")} AS old, ${num("b.composite")} AS new, ${differs("a.composite", "b.composite")} AS changed FROM ${j}
        UNION ALL SELECT agent_id, 'grade', a.grade, b.grade, a.grade IS DISTINCT FROM b.grade FROM ${j}
        UNION ALL SELECT agent_id, 'rank', CAST(a.department_rank AS VARCHAR), CAST(b.department_rank AS VARCHAR), a.department_rank IS DISTINCT FROM b.department_rank FROM ${j}
        UNION ALL SELECT agent_id, 'ranked', CAST(a.ranked AS VARCHAR), CAST(b.ranked AS VARCHAR), a.ranked IS DISTINCT FROM b.ranked FROM ${j}
        UNION ALL SELECT agent_id, 'bottom group', CAST(a.in_bottom_group AS VARCHAR), CAST(b.in_bottom_group AS VARCHAR), a.in_bottom_group IS DISTINCT FROM b.in_bottom_group FROM ${j}`);
    }
    if (await has("indicator_scores")) {
      const j = `${f("indicator_scores")} a FULL JOIN ${m("indicator_scores")} b USING (agent_id, indicator_id)`;
      await insert(`
        SELECT agent_id, 'indicator ' || indicator_id || ' value' AS figure, ${num("a.raw_value")} AS old, ${num("b.raw_value")} AS new, ${differs("a.raw_value", "b.raw_value")} AS changed FROM ${j}
        UNION ALL SELECT agent_id, 'indicator ' || indicator_id || ' score', ${num("a.score")}, ${num("b.score")}, ${differs("a.score", "b.score")} FROM ${j}`);
    }
    if (await has("dimension_scores")) {
      const j = `${f("dimension_scores")} a FULL JOIN ${m("dimension_scores")} b USING (agent_id, dimension_id)`;
      await insert(`SELECT agent_id, 'dimension ' || dimension_id || ' score' AS figure, ${num("a.score")} AS old, ${num("b.score")} AS new, ${differs("a.score", "b.score")} AS changed FROM ${j}`);
    }
    if (await has("agent_360_groups")) {
      const shown = (x: string) => `(SELECT * FROM ${x} WHERE shown)`;
      const j = `${shown(f("agent_360_groups"))} a FULL JOIN ${shown(m("agent_360_groups"))} b USING (period_type, agent_id, relation, dimension)`;
      await insert(`SELECT agent_id, '360 ' || relation || ' ' || dimension AS figure,
        CASE WHEN a.raters IS NOT NULL THEN ${num("a.mean_score")} || ' (' || a.raters || ')' END AS old,
        CASE WHEN b.raters IS NOT NULL THEN ${num("b.mean_score")} || ' (' || b.raters || ')' END AS new,
        ${differs("a.mean_score", "b.mean_score")} OR a.raters IS DISTINCT FROM b.raters AS changed FROM ${j}`);
    }
    if (await has("bottom_tracker")) {
      const j = `${f("bottom_tracker")} a FULL JOIN ${m("bottom_tracker")} b USING (agent_id)`;
      await insert(`SELECT agent_id, 'tracker state' AS figure, a.state AS old, b.state AS new, a.state IS DISTINCT FROM b.state AS changed FROM ${j}`);
    }
    if (await has("team_scores")) {
      const j = `${f("team_scores")} a FULL JOIN ${m("team_scores")} b ON a.team IS NOT DISTINCT FROM b.team AND a.department IS NOT DISTINCT FROM b.department`;
      await insert(`SELECT NULL AS agent_id, 'team ' || coalesce(a.team, b.team, '(department)') || ' mean composite' AS figure, ${num("a.mean_composite")} AS old, ${num("b.mean_composite")} AS new,
        ${differs("a.mean_composite", "b.mean_composite")} AS changed FROM ${j}`);
    }
  }
  return pendingSummary(wh);
}

/** Pending changes per published period, with a few examples (rank and composite first). */
export async function pendingSummary(wh: Warehouse): Promise<PendingSummary[]> {
  const rows = await wh.all<PendingSummary & { examples: string[] }>(
    `SELECT scheme_id, period, any_value(state) AS state, any_value(revision) AS revision, count(DISTINCT agent_id) AS agents, count(*) AS figures,
       list(coalesce(agent_id || ' ', '') || figure || ' ' || coalesce(old, '-') || ' -> ' || coalesce(new, '-')
            ORDER BY CASE figure WHEN 'rank' THEN 0 WHEN 'composite' THEN 1 WHEN 'grade' THEN 2 ELSE 3 END,
              abs(coalesce(TRY_CAST(new AS DOUBLE), 0) - coalesce(TRY_CAST(old AS DOUBLE), 0)) DESC, agent_id, figure)[1:4] AS examples
     FROM meta.pending_changes GROUP BY ALL ORDER BY scheme_id, period`,
  );
  return rows.map((r) => ({ ...r, agents: Number(r.agents), figures: Number(r.figures), revision: Number(r.revision) }));
}

/** The run's warning for a period with pending changes, and what lets them in. */
export function pendingMessage(p: PendingSummary, primary: string): string {
  const scheme = p.scheme_id === primary ? "" : ` --scheme ${p.scheme_id}`;
  const how =
    p.state === "final"
      ? `the boards keep showing the final revision ${p.revision}; to let the changes in: appraisal reopen --period ${p.period}${scheme} --reason "...", then appraisal publish --period ${p.period}${scheme} --provisional`
      : `the boards keep showing the published revision ${p.revision}; a re-score becomes visible only as a new publication: appraisal publish --period ${p.period}${scheme} --provisional`;
  return `warning: ${p.period}${scheme} is ${p.state}: this run's results would change ${p.figures} published figure(s) of ${p.agents} agent(s) (${p.examples.join("; ")}${p.figures > p.examples.length ? "; ..." : ""}); they are recorded as changes pending (appraisal status); ${how}`;
}

export interface FrozenDifference {
  relation: string;
  detail: string;
}

/** Each frozen relation of a publication against the manifest's fingerprint of the same rows. */
export async function frozenDifferences(wh: Warehouse, scheme: string, period: string, revision: number, manifestTables: Record<string, Fingerprint>): Promise<{ checked: number; differences: FrozenDifference[] }> {
  const recorded = await wh.all<{ relation: string; columns: string[]; rows: number }>(
    "SELECT relation, columns, rows FROM meta.frozen_revisions WHERE scheme_id = $s AND period = $p AND revision = $r ORDER BY relation",
    { s: scheme, p: period, r: revision },
  );
  const rels = new Map((await frozenRelations(wh)).map((r) => [`mart.${r.name}`, r]));
  const differences: FrozenDifference[] = [];
  let checked = 0;
  for (const rec of recorded) {
    const r = rels.get(rec.relation) ?? { name: rec.relation.replace(/^mart\./, ""), periodCol: rec.columns.includes("period") ? "period" : "quarter", hasScheme: rec.columns.includes("scheme_id") };
    const want = manifestTables[rec.relation];
    if (!want) continue;
    checked++;
    let got: Fingerprint | null = null;
    try {
      got = await fingerprint(wh, frozenSelect(r as FrozenRelation, rec.columns, scheme, period, revision));
    } catch {
      got = null;
    }
    if (!got || got.rows !== want.rows || got.sha256 !== want.sha256)
      differences.push({
        relation: rec.relation,
        detail: got
          ? `the frozen rows the boards show (${got.rows.toLocaleString("en")} rows, sha256 ${got.sha256.slice(0, 12)}) are not the ones published (${want.rows.toLocaleString("en")} rows, sha256 ${want.sha256.slice(0, 12)}): they were changed after publication`
          : "the frozen rows the boards show are gone",
      });
  }
  if (!recorded.length) differences.push({ relation: "frozen", detail: `no frozen revision ${revision} of ${period}: the boards show live results for it` });
  return { checked, differences };
}
