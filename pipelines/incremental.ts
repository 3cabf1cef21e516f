/**
 * An incremental build: a refresh recomputes only the periods its inputs touched, in place, in the build the last
 * successful run published, inside one transaction (a failed model or check, or a kill, rolls it all back and leaves
 * the last good results). The result is the same tables, row for row, as a full rebuild over the same inputs
 * (test/pipelines/incremental.test.ts compares every table after several deltas).
 *
 * How, model by model in dependency order (pipelines/run.ts builds them):
 *   - `touched` starts with the periods run-changes traced the new inputs to (every month each new or corrected
 *     ticket was held open in, in any version, with their quarters and years);
 *   - a table that is not `incremental: by period` (periods, the roster's periods, the workload
 *     fit over its 12-month window, trends with the previous period's rank, the tracker) is built again in full; its
 *     rows are compared with the ones it replaces, and every period where they differ joins `touched`. So what
 *     depends on later or earlier periods (the fit window) reaches the periods it moves without a rule written here;
 *   - a table that is `incremental: by period` loses its rows of the touched periods and gets them again from the
 *     model's own SQL run over the touched periods only. That SQL reads scoped inputs: every period-keyed table
 *     filtered to the touched periods, the tickets filtered to those with an event (created, first response,
 *     resolved, or held open) in a touched period, and the views over them (ticket_periods, business times, input
 *     links) rewritten the same way. The scoped relations live in the schema <build>_scope, dropped at the end.
 *     A model that rolls periods up from others reads those tables whole (`-- incremental: reads every period of
 *     mart.x`): agent_cells sums a touched quarter or year from all of its months in agent_month_cells;
 *   - a table built in full whose rows of a period depend only on that period and earlier ones of its type (trends
 *     with the previous period's rank, incentives over consecutive periods) says `-- incremental: from the earliest
 *     touched period on`: only its rows from each type's earliest touched period on are built and compared, the same
 *     way (at 1M, one more day: agent_trends and incentives 2.4 s -> 0.7 s, most of it the comparison).
 *
 * Where the rows lie matters to the checkpoint after the commit, which rewrites every row group a delete reached.
 * A table kept between runs is written in period order, latest periods last (run.ts, macros.sql period_end_order),
 * and a refresh appends its rows in that order: one more day touches the latest periods, so it deletes whole row
 * groups at the table's tail. Measured at 1M tickets (one more day, first refresh after a full run): the checkpoint
 * took 6.8-9.6 s with the rows in the order the models made them, 1.8-2.1 s in period order; the refresh's run
 * 24-29 s -> 18-21 s, its peak 1.4 -> 1.0 GiB. Writing only the rows that differ (an anti join on every column) cut
 * the checkpoint as far but cost as much in the models, and was not kept.
 */
import type { Warehouse } from "../core/db/warehouse.ts";
import { lit } from "../core/db/warehouse.ts";
import { byPeriod, periodType } from "./run-changes.ts";

/** What this needs of a model (pipelines/run.ts Model, which imports this file). */
export interface Model {
  name: string;
  layer: string;
  sql: string;
  dependsOn: string[];
  kind: "VIEW" | "TABLE";
  incremental: boolean;
}

/** What an incremental build rebuilt: every touched period in the end, and why each joined. */
export interface IncrementalReport {
  periods: string[];
  /** periods that joined because a table built in full changed there (model -> periods) */
  grown: Record<string, string[]>;
  /** the tables recomputed for the touched periods only */
  incremental: string[];
}

const TICKETS = "int.tickets_credited";
/** How a table kept between runs orders its rows, in a full build (run.ts) and in a refresh's appends alike. */
export const PERIOD_ORDER = "ORDER BY period_end_order(period_type, period)";
/** columns a table's comparison leaves out: `-- incremental: ignore as_of` in its header (read only by models built in full) */
const ignored = (m: Model) => (/^--\s*incremental:\s*ignore\s+([a-z_0-9, ]+)$/m.exec(m.sql)?.[1] ?? "").split(/[\s,]+/).filter(Boolean);
/** a table built in full whose rows of a period depend only on that period and earlier ones of its type (a lag, a
 *  streak): `-- incremental: from the earliest touched period on` in its header. A refresh builds and compares only its
 *  rows from each type's earliest touched period on; the earlier ones cannot have changed. */
const fromEarliest = (m: Model) => /^--\s*incremental:\s*from the earliest touched period on\s*$/m.test(m.sql);
/** tables an incremental model reads whole, not scoped to the touched periods: `-- incremental: reads every period of
 *  mart.x` in its header (agent_cells rolls a touched quarter or year up from all of its months, untouched ones too) */
const readsWhole = (m: Model) =>
  new Set((/^--\s*incremental:\s*reads every period of\s+([a-z_0-9., ]+)$/m.exec(m.sql)?.[1] ?? "").split(/[\s,]+/).filter(Boolean));

export class IncrementalBuild {
  readonly scope: string;
  private readonly scoped = new Set<string>();
  private readonly grown: Record<string, string[]> = {};
  private readonly feedsIncremental: Set<string>;

  /**
   * @param build the build schema the last successful run published, updated in place
   * @param periods the periods run-changes traced the new inputs to: 2026-01, 2026-Q1, 2026
   */
  constructor(
    private readonly wh: Warehouse,
    readonly build: string,
    private readonly periods: string[],
    models: Model[],
  ) {
    this.scope = `${build}_scope`;
    // the models an incremental model reads, directly or through views and tables: only their changes matter
    const byName = new Map(models.map((m) => [m.name, m]));
    const up = new Set<string>();
    const visit = (name: string) => {
      for (const d of byName.get(name)?.dependsOn ?? []) {
        if (up.has(d)) continue;
        up.add(d);
        visit(d);
      }
    };
    for (const m of models) if (m.incremental) visit(m.name);
    this.feedsIncremental = up;
  }

  async start(): Promise<void> {
    await this.wh.run(`DROP SCHEMA IF EXISTS ${this.scope} CASCADE; CREATE SCHEMA ${this.scope}`);
    await this.wh.run(`CREATE TABLE ${this.scope}.touched (period_type VARCHAR, period VARCHAR, PRIMARY KEY (period_type, period))`);
    for (const p of this.periods) await this.wh.run(`INSERT INTO ${this.scope}.touched VALUES (${lit(periodType(p))}, ${lit(p)}) ON CONFLICT DO NOTHING`);
  }

  /** A model's SQL over the build, but its scoped inputs read from the scope schema (except those it reads whole). */
  private rewrite(sql: string, whole: Set<string> = new Set()): string {
    return sql.replace(/\b(mart|stg|int|scheme|calendar)\.([a-z_0-9]+)\b/g, (ref: string, schema: string, name: string) => {
      const target = schema === "mart" ? name : `${schema}__${name}`;
      return `${this.scoped.has(ref) && !whole.has(ref) ? this.scope : this.build}.${target}`;
    });
  }

  /** The build's tables keyed by period (period_type and period columns), read once: a table rebuilt in this run
   *  has the columns it had (the models' code is the one that built it). One catalogue query per model took about
   *  10 ms, a second per refresh. */
  private periodTables: Set<string> | null = null;

  private async hasPeriods(name: string): Promise<boolean> {
    this.periodTables ??= new Set(
      (
        await this.wh.all<{ t: string }>(
          "SELECT table_name AS t FROM duckdb_columns() WHERE schema_name = $s AND column_name IN ('period_type', 'period') GROUP BY table_name HAVING count(*) = 2",
          { s: this.build },
        )
      ).map((r) => r.t),
    );
    return this.periodTables.has(name.split(".")[1]!);
  }

  private async scopeTable(m: Model): Promise<void> {
    if (!(await this.hasPeriods(m.name))) return;
    const table = m.name.split(".")[1]!;
    await this.wh.run(`CREATE VIEW ${this.scope}.${table} AS SELECT * FROM ${this.build}.${table} SEMI JOIN ${this.scope}.touched USING (period_type, period)`);
    this.scoped.add(m.name);
    if (m.name === "mart.periods") await this.scopeTickets();
  }

  /**
   * The tickets with an event in the touched periods' span (from the first touched period's start to the last one's
   * end): created, first response or resolved in it, or held open across it; none when no period is touched. A view
   * with the span written into it as constants (again whenever the touched periods grow): a join or a stored copy
   * measured slower (1M tickets: a stored copy took 5-8 s, the view's filter is read at no extra cost). A span wider
   * than the touched periods only adds tickets that the periods' filter then leaves out.
   */
  private async scopeTickets(): Promise<void> {
    const span = await this.wh.one<{ s: string | null; e: string | null }>(
      `SELECT min(start_ts)::VARCHAR AS s, max(end_ts)::VARCHAR AS e FROM ${this.scope}.periods`,
    );
    const [s, e] = [span?.s ? `${lit(span.s)}::TIMESTAMPTZ` : null, span?.e ? `${lit(span.e)}::TIMESTAMPTZ` : null];
    const where =
      s && e
        ? `(created_at < ${e} AND coalesce(resolved_at, 'infinity'::TIMESTAMPTZ) >= ${s}) OR (first_response_at >= ${s} AND first_response_at < ${e})`
        : "false";
    await this.wh.run(`CREATE OR REPLACE VIEW ${this.scope}.int__tickets_credited AS SELECT * FROM ${this.build}.int__tickets_credited WHERE ${where}`);
    this.scoped.add(TICKETS);
  }

  /** A view model: its scoped variant, when it reads anything scoped. */
  async view(m: Model): Promise<void> {
    if (m.layer === "staging" || m.layer === "intermediate") return;
    if (!m.dependsOn.some((d) => this.scoped.has(d))) return;
    await this.wh.run(`CREATE VIEW ${this.scope}.${m.name.split(".")[1]} AS\n${this.rewrite(m.sql)}`);
    this.scoped.add(m.name);
  }

  /**
   * A table model, in place: an incremental one loses its touched periods' rows and gets them again from scoped
   * inputs. Another is built again in full under a new name (`create`) and compared with the table it replaces: only
   * the periods whose rows differ are rewritten (a table without periods replaces the old one), so the
   * transaction writes what changed, not every row again; and where the table feeds an incremental model, those
   * periods join the touched ones.
   */
  async table(m: Model, create: (target: string, wrap?: (sql: string) => string) => Promise<void>): Promise<void> {
    const name = m.name.split(".")[1]!;
    const table = `${this.build}.${name}`;
    if (m.incremental) {
      if (!Number(await this.wh.value(`SELECT count(*) FROM ${this.scope}.touched`))) return this.scopeTable(m);
      await this.wh.run(`DELETE FROM ${table} t USING ${this.scope}.touched s WHERE t.period_type = s.period_type AND t.period = s.period`);
      await this.wh.run(
        `INSERT INTO ${table} SELECT * FROM (${this.rewrite(m.sql, readsWhole(m))}) SEMI JOIN ${this.scope}.touched USING (period_type, period) ${PERIOD_ORDER}`,
      );
      await this.scopeTable(m);
      return;
    }
    const next = `${table}__next`;
    const tail = fromEarliest(m) && (await this.hasPeriods(m.name));
    // from each type's earliest touched period on (a type with none touched has no such rows)
    const fromTouched = (rel: string) =>
      `SELECT * FROM ${rel} x WHERE x.period >= (SELECT min(t.period) FROM ${this.scope}.touched t WHERE t.period_type = x.period_type)`;
    await create(next, tail ? (sql) => fromTouched(`(\n${sql}\n)`) : undefined);
    const old = tail ? `(${fromTouched(table)})` : table;
    const diff = (cols: string) =>
      `(SELECT ${cols} FROM ${next} EXCEPT ALL SELECT ${cols} FROM ${old}) UNION ALL (SELECT ${cols} FROM ${old} EXCEPT ALL SELECT ${cols} FROM ${next})`;
    if (!(await this.hasPeriods(m.name))) {
      await this.wh.run(`DROP TABLE ${table}; ALTER TABLE ${next} RENAME TO ${name}`);
      return;
    }
    const changed = `${this.scope}.changed_${name}`;
    await this.wh.run(`CREATE TABLE ${changed} AS SELECT DISTINCT period_type, period FROM (${diff("*")})`);
    if (Number(await this.wh.value(`SELECT count(*) FROM ${changed}`))) {
      await this.wh.run(`DELETE FROM ${table} t USING ${changed} c WHERE t.period_type = c.period_type AND t.period = c.period`);
      await this.wh.run(`INSERT INTO ${table} SELECT * FROM ${next} SEMI JOIN ${changed} USING (period_type, period)`);
      if (this.feedsIncremental.has(m.name)) {
        const skip = ignored(m);
        await this.grow(m, skip.length ? `SELECT DISTINCT period_type, period FROM (${diff(`* EXCLUDE (${skip.join(", ")})`)})` : `SELECT * FROM ${changed}`);
      }
    }
    await this.wh.run(`DROP TABLE ${next}`);
    await this.scopeTable(m);
  }

  /** The periods `keys` selects that are not touched yet join the touched ones. */
  private async grow(m: Model, keys: string): Promise<void> {
    const rows = (
      await this.wh.all<{ period_type: string; period: string }>(`SELECT period_type, period FROM (${keys}) ANTI JOIN ${this.scope}.touched USING (period_type, period)`)
    ).sort((x, y) => byPeriod(x.period, y.period));
    if (!rows.length) return;
    this.grown[m.name] = rows.map((r) => r.period);
    await this.wh.run(`INSERT INTO ${this.scope}.touched ${rows.map((r) => `SELECT ${lit(r.period_type)}, ${lit(r.period)}`).join(" UNION ALL ")}`);
    if (this.scoped.has(TICKETS)) await this.scopeTickets();
  }

  /**
   * Run the refresh in one transaction. DuckDB checkpoints inside the commit once its log passes the threshold
   * (16 MB), which measured about three times as slow as the same work after it (1M tickets, one more day: 21.7 s
   * against a 4.6 s commit and a 2.9 s checkpoint): the threshold is raised for the transaction, and the checkpoint
   * taken once it committed. A failure rolls everything back; the scoped relations are dropped either way.
   */
  async inTransaction<T>(fn: () => Promise<T>): Promise<T> {
    const threshold = await this.wh.value<string>("SELECT current_setting('checkpoint_threshold')");
    await this.wh.run("SET checkpoint_threshold = '64GB'");
    try {
      return await this.wh.transaction(fn);
    } finally {
      await this.drop().catch(() => {});
      await this.wh.run(`SET checkpoint_threshold = ${lit(threshold ?? "16MB")}`);
      await this.wh.run("CHECKPOINT").catch(() => {});
    }
  }

  /** The scoped relations, dropped after the transaction commits (DuckDB refuses to commit a table both written and
   *  dropped in it) or after it failed. */
  async drop(): Promise<void> {
    await this.wh.run(`DROP SCHEMA IF EXISTS ${this.scope} CASCADE`);
  }

  async finish(models: Model[]): Promise<IncrementalReport> {
    const periods = (await this.wh.all<{ period_type: string; period: string }>(`SELECT period_type, period FROM ${this.scope}.touched`))
      .sort((x, y) => byPeriod(x.period, y.period))
      .map((r) => r.period);
    return { periods, grown: this.grown, incremental: models.filter((m) => m.incremental).map((m) => m.name) };
  }
}
