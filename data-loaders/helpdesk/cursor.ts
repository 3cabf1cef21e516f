/**
 * Where each API source stopped, kept in meta.source_cursors. The cursor is written inside the transaction that
 * stores the rows it covers (see page-loader.ts), so after a crash the next run resumes exactly there.
 */
import type { Warehouse } from "../../core/db/warehouse.ts";

export type Cursor = Record<string, string | number | null>;

export async function readCursor(wh: Warehouse, source: string, stream: string): Promise<Cursor | null> {
  const row = await wh.one<{ cursor: string }>("SELECT cursor::VARCHAR AS cursor FROM meta.source_cursors WHERE source = $s AND stream = $t", {
    s: source,
    t: stream,
  });
  return row ? (JSON.parse(row.cursor) as Cursor) : null;
}

/** Upsert the cursor; call inside the transaction that stores the records it covers. */
export async function writeCursor(wh: Warehouse, source: string, stream: string, cursor: Cursor, records: number): Promise<void> {
  await wh.run(
    `INSERT INTO meta.source_cursors VALUES ($s, $t, $c::JSON, $n, current_timestamp)
     ON CONFLICT (source, stream) DO UPDATE SET cursor = excluded.cursor, records = meta.source_cursors.records + $n, updated_at = excluded.updated_at`,
    { s: source, t: stream, c: JSON.stringify(cursor), n: records },
  );
}
