/**
 * Completeness from the sources' own coverage (issue 10 item 2): one ticket dated 2027-03-01 made `status` report
 * 2027-02 as the latest complete month and let `publish` accept 2026-11 and 2026-Q4. Now a record dated after its
 * load is quarantined with the reason, and a period is complete when every source still delivering covers it: an
 * export covers up to when it was written (its modification time), never past its load.
 */
import { utimesSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFile } from "../../../../data-loaders/ingest/load-file.ts";
import { loadMapping } from "../../../../data-loaders/mappings/schema.ts";
import { Warehouse } from "../../../../core/db/warehouse.ts";
import { publish, RuleError } from "../../../../pipelines/rules/lifecycle.ts";
import { runModels } from "../../../../pipelines/run.ts";
import { loadSchemes } from "../../../../pipelines/scheme/load.ts";
import { formatStatus, readStatus } from "../../../../pipelines/status.ts";
import { GOLDEN_SCHEME } from "../../../helpers/department.ts";
import { csv, tempDir, TZ, writeFile } from "../../../helpers/warehouse.ts";

const HEAD = ["ticket_id", "created_at", "resolved_at", "status", "priority", "assignee_id"];
/** tickets every few days from 2026-07-01 to the day before `until` */
function tickets(prefix: string, until: string, agent = "A1"): string[][] {
  const rows: string[][] = [];
  for (let t = Date.parse("2026-07-01T01:00:00Z"), i = 0; t < Date.parse(`${until}T00:00:00Z`); t += 3 * 86_400_000, i++) {
    const at = new Date(t).toISOString().slice(0, 16).replace("T", " ");
    rows.push([`${prefix}${i}`, at, at.replace(/ 01:/, " 05:"), "resolved", "normal", i % 2 ? "A2" : agent]);
  }
  return rows;
}

let wh: Warehouse;
let dir: string;
let cleanup: () => void;
const LOADED = new Date("2026-11-26T02:00:00Z");
const schemes = loadSchemes(GOLDEN_SCHEME);

async function load(name: string, rows: string[][], writtenAt: Date, source = "tickets", mapping = "canonical/tickets") {
  const file = writeFile(dir, name, csv(HEAD, rows));
  utimesSync(file, writtenAt, writtenAt);
  return loadFile(wh, { file, source, mapping: loadMapping(mapping), now: LOADED });
}

beforeAll(async () => {
  const t = tempDir();
  dir = t.dir;
  cleanup = t.cleanup;
  wh = await Warehouse.open(path.join(dir, "wh.duckdb"), { timezone: TZ });
  const roster = writeFile(dir, "roster.csv", csv(["agent_id", "display_name", "team", "department", "hire_date"], [["A1", "Ann", "T1", "Support", "2025-01-01"], ["A2", "Bo", "T1", "Support", "2025-01-01"]]));
  await loadFile(wh, { file: roster, source: "roster", mapping: loadMapping("canonical/agents"), now: LOADED });
});
afterAll(() => {
  wh?.close();
  cleanup?.();
});

const latestComplete = async (type: string) => wh.value<string | null>("SELECT max(period) FROM mart.periods WHERE period_type = $t AND is_complete", { t: type });

describe("completeness", () => {
  it("quarantines a ticket dated after its load, which no longer makes later periods complete", async () => {
    // the export was written on 1 November (after October's last ticket), loaded on 26 November
    const rows = [...tickets("T", "2026-11-01"), ["FUTURE-1", "2027-03-01 10:00", "2027-03-01 12:00", "resolved", "normal", "A1"]];
    const s = await load("tickets.csv", rows, new Date("2026-10-31T18:00:00Z"));
    expect(s.quarantined).toBe(1);
    const q = await wh.one<{ field: string; value: string; reason: string; record: number }>("SELECT field, value, reason, record FROM meta.quarantine WHERE batch_id = $b", { b: s.batchId });
    expect(q).toMatchObject({ field: "created_at", record: rows.length, value: "2027-03-01 10:00" });
    expect(q!.reason).toBe("dated after the file was loaded (in the future); check the export's time zone and the clock that wrote it");
    await runModels(wh, schemes);
    expect(await latestComplete("month")).toBe("2026-10");
    expect(await latestComplete("quarter")).toBe("2026-Q3");
    expect(await wh.value("SELECT max(period) FROM mart.periods WHERE period_type = 'month'")).toBe("2026-10");
    const status = formatStatus(await readStatus(wh));
    expect(status).toContain("latest complete month 2026-10, quarter 2026-Q3");
    expect(status).toMatch(/tickets +covers up to 2026-11-01 02:00:00 \(when its newest export was written\)/);
    // (the golden scheme scores months) November has no data at all: nothing to publish
    await expect(publish({ wh, timezone: TZ, asOf: LOADED }, "golden", "2026-11", "provisional")).rejects.toThrow(/has no results for 2026-11/);
    await expect(publish({ wh, timezone: TZ, asOf: LOADED }, "golden", "2026-11", "provisional")).rejects.toBeInstanceOf(RuleError);
  });

  it("an export written mid-month leaves that month incomplete, even when loaded after it", async () => {
    // a second source whose newest export was written on 20 October: October is not covered by it
    await load("other.csv", tickets("O", "2026-10-20", "A2"), new Date("2026-10-20T04:00:00Z"), "other-desk");
    await runModels(wh, schemes);
    expect(await latestComplete("month")).toBe("2026-09");
    const oct = await wh.one<{ as_of: string; coverage_end: string }>("SELECT as_of::VARCHAR AS as_of, coverage_end::VARCHAR AS coverage_end FROM mart.periods WHERE period = '2026-10'");
    expect(oct).toEqual({ as_of: "2026-10-20", coverage_end: "2026-10-20" });
    // its next export (written on 1 November) covers October
    await load("other-2.csv", tickets("P", "2026-11-01", "A2").slice(-3), new Date("2026-11-01T01:00:00Z"), "other-desk");
    await runModels(wh, schemes);
    expect(await latestComplete("month")).toBe("2026-10");
  });

  it("a source that stopped delivering long ago (its data ends before a period) does not hold that period back", async () => {
    await load("retired.csv", tickets("R", "2026-07-20"), new Date("2026-07-20T04:00:00Z"), "retired-desk");
    await runModels(wh, schemes);
    expect(await latestComplete("month")).toBe("2026-10");
    // ...but it does hold back the months it was still delivering in
    expect(await wh.value("SELECT is_complete FROM mart.periods WHERE period = '2026-07'")).toBe(false);
  });
});
