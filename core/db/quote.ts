/** Quoting for SQL text (the warehouse module re-exports both). */

/** Quote a SQL string literal. */
export const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Quote an identifier (a column name from an export file). */
export const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
