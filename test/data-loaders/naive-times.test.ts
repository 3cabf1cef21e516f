/**
 * An export's times without an offset become the instants ICU's cast gives (core/db/local-time.ts wallTimeFunction):
 * in the department's zone and in a mapping's own `timezone:`, typed by the CSV reader (a declared format) or read from
 * text, for ordinary times, the hour a daylight-saving change skips, the hour it repeats, and times older than the
 * macro's span. (Text in the department's zone stays DuckDB's own cast: a text may carry its offset.)
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lit, Warehouse } from "../../core/db/warehouse.ts";
import { loadFile } from "../../data-loaders/ingest/load-file.ts";
import { loadMapping } from "../../data-loaders/mappings/schema.ts";
import { csv, tempDir, writeFile } from "../helpers/warehouse.ts";

const HEAD = ["ticket_id", "created_at", "resolved_at", "status", "priority", "assignee_id"];
/** New York's 2026 changes: 02:30 on 8 March does not exist, 01:30 on 1 November happens twice */
const TIMES: Array<[string, string, string]> = [
  ["T-1", "2026-03-02 09:00:00", "2026-03-02 11:15:30"],
  ["T-2", "2026-03-08 01:59:59", "2026-03-08 02:30:00"],
  ["T-3", "2026-03-08 03:00:00", "2026-06-30 23:59:59"],
  ["T-4", "2026-11-01 00:30:00", "2026-11-01 01:30:00"],
  ["T-5", "2026-11-01 01:59:59", "2026-11-01 02:00:00"],
  ["T-6", "2012-06-01 12:00:00", "2012-06-02 08:00:00"],
];

let dir: string;
let cleanup: () => void;
let file: string;

beforeAll(() => {
  const t = tempDir();
  dir = t.dir;
  cleanup = t.cleanup;
  file = writeFile(dir, "tickets.csv", csv(HEAD, TIMES.map(([id, c, r]) => [id, c, r, "resolved", "normal", "A1"])));
});
afterAll(() => cleanup?.());

/** load the roster and the tickets, then compare every stored time with the ICU cast of the text in `zone` */
async function differences(sessionZone: string, zone: string, mappingFile: string) {
  const wh = await Warehouse.open(path.join(dir, `${sessionZone.replace("/", "-")}-${path.basename(mappingFile)}.duckdb`), { timezone: sessionZone });
  try {
    const roster = writeFile(dir, "roster.csv", csv(["agent_id", "display_name", "team", "department", "hire_date"], [["A1", "Ann", "T1", "Support", "2010-01-01"]]));
    await loadFile(wh, { file: roster, source: "roster", mapping: loadMapping("canonical/agents") });
    const s = await loadFile(wh, { file, source: "tickets", mapping: loadMapping(mappingFile), now: new Date("2026-11-27T04:00:00Z") });
    expect(s.inserted).toBe(TIMES.length);
    const expected = TIMES.map(([id, c, r]) => `SELECT ${lit(id)} AS ticket_id, timezone(${lit(zone)}, TIMESTAMP ${lit(c)}) AS c, timezone(${lit(zone)}, TIMESTAMP ${lit(r)}) AS r`);
    return await wh.all(
      `SELECT e.ticket_id, e.c::VARCHAR AS expected_created, t.created_at::VARCHAR AS created, e.r::VARCHAR AS expected_resolved, t.resolved_at::VARCHAR AS resolved
       FROM (${expected.join(" UNION ALL ")}) e LEFT JOIN raw.tickets t USING (ticket_id)
       WHERE t.created_at IS DISTINCT FROM e.c OR t.resolved_at IS DISTINCT FROM e.r`,
    );
  } finally {
    wh.close();
  }
}

/** the canonical tickets mapping with extra top-level keys */
function mappingWith(name: string, extra: string): string {
  const canonical = path.join(import.meta.dirname, "../../data-loaders/mappings/canonical/tickets.yaml");
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, `${readFileSync(canonical, "utf8")}\n${extra}\n`);
  return file;
}

describe("times without an offset", () => {
  it("are read in the department's zone as ICU's cast reads them, when the CSV reader types them (a declared format)", async () => {
    const typed = mappingWith("typed", "timestamp_formats: ['%Y-%m-%d %H:%M:%S']");
    expect(await differences("America/New_York", "America/New_York", typed)).toEqual([]);
  });

  it("are read in a mapping's own zone as timezone(zone, ts) reads them, typed by the reader or read from text", async () => {
    const typed = mappingWith("typed-ny", "timestamp_formats: ['%Y-%m-%d %H:%M:%S']\ntimezone: America/New_York");
    const text = mappingWith("text-ny", "timezone: America/New_York");
    expect(await differences("Asia/Shanghai", "America/New_York", typed)).toEqual([]);
    expect(await differences("Asia/Shanghai", "America/New_York", text)).toEqual([]);
  });

  it("are read from text in the department's zone by DuckDB's own cast (a text may carry its offset)", async () => {
    expect(await differences("America/New_York", "America/New_York", "canonical/tickets")).toEqual([]);
  });
});
