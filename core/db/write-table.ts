/**
 * Write a small in-memory table (schemes, rule parameters) to DuckDB in one statement: the rows travel as one
 * JSON parameter and DuckDB casts them to typed columns.
 */
import { ident, type Warehouse } from "./warehouse.ts";

export type ColumnType = "VARCHAR" | "DOUBLE" | "BIGINT" | "BOOLEAN" | "DATE" | "TIMESTAMPTZ" | "JSON" | "VARCHAR[]" | `DECIMAL(${number},${number})` | `STRUCT(${string})[]`;
export type Columns = Record<string, ColumnType>;

export async function writeTable(wh: Warehouse, table: string, columns: Columns, rows: Array<Record<string, unknown>>): Promise<void> {
  const defs = Object.entries(columns)
    .map(([n, t]) => `${ident(n)} ${t}`)
    .join(", ");
  await wh.run(`CREATE OR REPLACE TABLE ${table} (${defs})`);
  if (!rows.length) return;
  const jsonType = Object.entries(columns)
    .map(([n, t]) => `${ident(n)} ${t === "JSON" ? "JSON" : t === "DATE" || t === "TIMESTAMPTZ" ? "VARCHAR" : t}`)
    .join(", ");
  const select = Object.entries(columns)
    .map(([n, t]) => (t === "DATE" || t === "TIMESTAMPTZ" ? `CAST(r.${ident(n)} AS ${t})` : `r.${ident(n)}`))
    .join(", ");
  await wh.run(
    `INSERT INTO ${table} SELECT ${select} FROM (SELECT unnest(CAST($rows::JSON AS STRUCT(${jsonType})[])) AS r)`,
    { rows: JSON.stringify(rows) },
  );
}
