/**
 * The raw tables are generated from the canonical contracts (core/contracts/tables.ts), not written in the
 * migrations: after the SQL migrations, every contract's table is created if missing, and a field added to a contract
 * becomes a column of its table (NULL for the rows loaded before). A column whose type differs from the contract's,
 * or a column the contract does not have, is an error naming both: the warehouse and the code disagree.
 */
import { CONTRACTS } from "../contracts/tables.ts";
import { rawTableColumns, rawTableDdl } from "../contracts/to-sql.ts";
import { ident } from "./quote.ts";

/** What creating the raw tables needs of a warehouse (migrate.ts passes the one it migrates). */
interface RawTablesTarget {
  run(sql: string, params?: Record<string, string | number>): Promise<void>;
  all<T>(sql: string, params?: Record<string, string | number>): Promise<T[]>;
}

/** DuckDB's spelling of a type in information_schema, for the comparison */
const spelled = (t: string) => t.replace(/\bTIMESTAMPTZ\b/g, "TIMESTAMP WITH TIME ZONE");

export async function ensureRawTables(wh: RawTablesTarget): Promise<string[]> {
  await wh.run("CREATE SCHEMA IF NOT EXISTS raw");
  const added: string[] = [];
  for (const contract of Object.values(CONTRACTS)) await wh.run(rawTableDdl(contract));
  // every raw column in one catalogue query (one per table took about 12 ms each, on every command's start)
  const columns = await wh.all<{ tbl: string; name: string; type: string }>(
    "SELECT table_name AS tbl, column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = 'raw'",
  );
  for (const contract of Object.values(CONTRACTS)) {
    const have = new Map(columns.filter((c) => c.tbl === contract.table).map((c) => [c.name, c.type]));
    const want = rawTableColumns(contract);
    for (const c of want) {
      const type = have.get(c.name);
      if (type === undefined) {
        if (c.notNull) throw new Error(`raw.${contract.table} has no column ${c.name}; the warehouse predates the loader: upgrade it with a migration`);
        await wh.run(`ALTER TABLE raw.${ident(contract.table)} ADD COLUMN ${ident(c.name)} ${c.type}`);
        added.push(`raw.${contract.table}.${c.name}`);
      } else if (type.replaceAll('"', "") !== spelled(c.type).replaceAll('"', ""))
        throw new Error(
          `raw.${contract.table}.${c.name} is ${type} in the warehouse but ${c.type} by its contract (core/contracts/tables.ts); change it with a migration, or the contract back`,
        );
    }
    const extra = [...have.keys()].filter((n) => !want.some((c) => c.name === n));
    if (extra.length)
      throw new Error(
        `raw.${contract.table} has column${extra.length > 1 ? "s" : ""} ${extra.join(", ")} that its contract (core/contracts/tables.ts) does not have; add ${extra.length > 1 ? "them" : "it"} to the contract, or drop ${extra.length > 1 ? "them" : "it"} with a migration`,
      );
  }
  return added;
}
