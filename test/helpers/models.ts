/**
 * Model tests by example: build only the model a test is about, and the models upstream of it, from rows the test
 * gives, and read its rows back. A table the test gives rows for (raw.*, meta.*, scheme.* or a model such as
 * mart.agent_scores) is not built: the models below it are skipped. Columns the test leaves out are NULL, in the
 * type the warehouse gives them (a model's types are those of the model built on an empty warehouse), so a test
 * names only the columns its example is about.
 *
 *   const rows = await modelRows("mart.rankings", {
 *     given: { "mart.agent_scores": [{ scheme_id: "s", period: "2026-Q1", agent_id: "A1", composite: 80, ... }] },
 *     schemes: loadSchemes(SCHEME_DIR),
 *   });
 *   expect(pick(rows, ["agent_id", "department_rank"])).toEqual([...]);
 */
import path from "node:path";
import { Warehouse } from "../../core/db/warehouse.ts";
import { ident } from "../../core/db/warehouse.ts";
import { buildModels, inBuild, listModels, type Model, orderModels } from "../../pipelines/run.ts";
import type { LoadedScheme } from "../../pipelines/scheme/load.ts";
import { tempDir, TZ } from "./warehouse.ts";

export type Rows = Array<Record<string, unknown>>;

export interface ModelExample {
  /** rows of the tables the model reads, directly or through the models upstream: "raw.tickets", "mart.agent_scores" */
  given: Record<string, Rows>;
  /** the schemes in force (scheme.* tables); or give scheme.* rows in `given` */
  schemes?: LoadedScheme[];
  /** the warehouse's time zone (Asia/Shanghai) */
  timezone?: string;
  /** the order of the rows read back (default: every column) */
  orderBy?: string;
}

/** The models `target` needs, in dependency order, stopping at the tables the test gives. */
export function modelsFor(target: string, given: Iterable<string>): Model[] {
  const all = listModels();
  const byName = new Map(all.map((m) => [m.name, m]));
  const have = new Set(given);
  if (!byName.has(target)) throw new Error(`no model ${target}: models are named stg.x (staging/stg_x.sql), int.x (intermediate/int_x.sql) or mart.y (<layer>/y.sql)`);
  const need = new Set<string>();
  const visit = (name: string) => {
    if (need.has(name) || have.has(name)) return;
    const m = byName.get(name);
    if (!m) return;
    need.add(name);
    for (const d of m.dependsOn) visit(d);
  };
  visit(target);
  return orderModels(all.filter((m) => need.has(m.name)).map((m) => ({ ...m, dependsOn: m.dependsOn.filter((d) => need.has(d)) })));
}

/** A model's (or a warehouse table's) columns and types: built once on an empty warehouse. */
let shapes: Promise<Map<string, Array<{ name: string; type: string }>>> | null = null;
function modelShapes(): Promise<Map<string, Array<{ name: string; type: string }>>> {
  shapes ??= (async () => {
    const { dir, cleanup } = tempDir("appraisal-shapes-");
    const wh = await Warehouse.open(path.join(dir, "wh.duckdb"), { timezone: TZ });
    try {
      await buildModels(wh, [], "shape");
      const rows = await wh.all<{ schema: string; table: string; name: string; type: string }>(
        `SELECT table_schema AS schema, table_name AS "table", column_name AS name, data_type AS type FROM information_schema.columns
         ORDER BY table_schema, table_name, ordinal_position`,
      );
      const out = new Map<string, Array<{ name: string; type: string }>>();
      for (const r of rows) {
        // shape.x is mart.x, shape.stg__x is stg.x, shape.int__x is int.x, shape.scheme__x is scheme.x; raw and meta are themselves
        const name = r.schema === "shape" ? (r.table.includes("__") ? r.table.replace("__", ".") : `mart.${r.table}`) : `${r.schema}.${r.table}`;
        out.set(name, [...(out.get(name) ?? []), { name: r.name, type: r.type }]);
      }
      return out;
    } finally {
      wh.close();
      cleanup();
    }
  })();
  return shapes;
}

/** Write `rows` into `table` (already created with its types): the columns given, the others NULL. */
async function insertRows(wh: Warehouse, table: string, columns: Array<{ name: string; type: string }>, rows: Rows, label: string): Promise<void> {
  if (!rows.length) return;
  const given = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const unknown = given.filter((c) => !columns.some((x) => x.name === c));
  if (unknown.length) throw new Error(`${label} has no column${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; it has ${columns.map((c) => c.name).join(", ")}`);
  const typeOf = (c: string) => columns.find((x) => x.name === c)!.type;
  // dates and times travel as text and are cast by DuckDB, as writeTable does
  const viaText = (t: string) => /^(DATE|TIME|TIMESTAMP|INTERVAL)/.test(t);
  const struct = given.map((c) => `${ident(c)} ${viaText(typeOf(c)) ? "VARCHAR" : typeOf(c)}`).join(", ");
  const select = given.map((c) => `CAST(r.${ident(c)} AS ${typeOf(c)}) AS ${ident(c)}`).join(", ");
  await wh.run(`INSERT INTO ${table} BY NAME SELECT ${select} FROM (SELECT unnest(CAST($rows::JSON AS STRUCT(${struct})[])) AS r)`, {
    rows: JSON.stringify(rows),
  });
}

/**
 * Build `target` (mart.x or stg.x) and only what it needs from the example's rows, in a fresh warehouse, and return
 * its rows (dates and timestamps as text, so that expected rows read as written).
 */
export async function modelRows(target: string, example: ModelExample): Promise<Rows> {
  const shape = await modelShapes();
  const { dir, cleanup } = tempDir("appraisal-model-");
  const wh = await Warehouse.open(path.join(dir, "wh.duckdb"), { timezone: example.timezone ?? TZ });
  const build = "example";
  try {
    const models = modelsFor(target, Object.keys(example.given));
    const inBuildSchema = (table: string) => ["mart", "stg", "int", "scheme", "calendar"].includes(table.split(".")[0]!);
    const give = async (table: string, rows: Rows) => {
      const columns = shape.get(table);
      if (!columns) throw new Error(`the test gives rows for ${table}, which is neither a model nor a warehouse table`);
      const at = inBuildSchema(table) ? inBuild(table, build) : table;
      if (inBuildSchema(table) || !(await exists(wh, table)))
        await wh.run(`CREATE OR REPLACE TABLE ${at} (${columns.map((c) => `${ident(c.name)} ${c.type}`).join(", ")})`);
      else await wh.run(`DELETE FROM ${at}`);
      await insertRows(wh, at, columns, rows, table);
    };
    // the warehouse's own tables first (raw.*, meta.*): the working calendar is laid out over the tickets' days
    for (const [table, rows] of Object.entries(example.given)) if (!inBuildSchema(table)) await give(table, rows);
    // the build's schema with the schemes, the calendar and the macros (buildModels with no models), then the given models
    await buildModels(wh, example.schemes ?? [], build, undefined, []);
    for (const [table, rows] of Object.entries(example.given)) if (inBuildSchema(table)) await give(table, rows);
    for (const m of models) {
      try {
        await wh.run(`CREATE ${m.kind} ${inBuild(m.name, build)} AS\n${inBuild(m.sql, build)}`);
      } catch (e) {
        throw new Error(`model ${m.name} (${path.relative(process.cwd(), m.file)}) failed: ${(e as Error).message}`);
      }
    }
    const cols = await wh.all<{ name: string; type: string }>(`SELECT column_name AS name, column_type AS type FROM (DESCRIBE ${inBuild(target, build)})`);
    const text = (c: { name: string; type: string }) => (/^(DATE|TIME|TIMESTAMP)/.test(c.type) ? `${ident(c.name)}::VARCHAR AS ${ident(c.name)}` : ident(c.name));
    return await wh.all(`SELECT ${cols.map(text).join(", ")} FROM ${inBuild(target, build)} ORDER BY ${example.orderBy ?? "ALL"}`);
  } finally {
    wh.close();
    cleanup();
  }
}

async function exists(wh: Warehouse, table: string): Promise<boolean> {
  const [schema, name] = table.split(".") as [string, string];
  return Number(await wh.value("SELECT count(*) FROM information_schema.tables WHERE table_schema = $s AND table_name = $t", { s: schema, t: name })) > 0;
}

/** The rows with only `columns`, in that order of keys: what a test compares with its expected rows. */
export function pick(rows: Rows, columns: string[]): Rows {
  return rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c]])));
}
