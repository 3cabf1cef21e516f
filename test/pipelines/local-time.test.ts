/**
 * local_time(ts) (pipelines/local-time.ts) gives what CAST(ts AS TIMESTAMP) gives in the session's zone, for every
 * instant: zones with and without daylight saving, half-hour and quarter-hour offsets, the minutes around every change,
 * outside the span the macro was made for, and NULL.
 */
import { describe, expect, it } from "vitest";
import { Warehouse } from "../../core/db/warehouse.ts";
import { localTimeMacro } from "../../pipelines/local-time.ts";

const ZONES = ["Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns", "UTC"];

describe("local_time", () => {
  it.each(ZONES)("equals CAST AS TIMESTAMP in %s", async (zone) => {
    const wh = await Warehouse.open(":memory:", { timezone: zone });
    try {
      const macro = await localTimeMacro(wh, "2024-01-01", "2026-12-31");
      expect(macro).toMatch(/^CREATE OR REPLACE MACRO local_time\(ts\) AS CASE WHEN/);
      await wh.run(macro!);
      // every 181 s from a month before the span to a month after, and each second of the hour around every change
      await wh.run(`CREATE TABLE instants AS
        SELECT unnest(generate_series(TIMESTAMPTZ '2023-12-01 00:00:00+00', TIMESTAMPTZ '2027-02-01 00:00:00+00', INTERVAL 181 SECOND)) AS ts`);
      await wh.run(`INSERT INTO instants
        SELECT unnest(generate_series(c - INTERVAL 30 MINUTE, c + INTERVAL 30 MINUTE, INTERVAL 1 SECOND)) + INTERVAL 123457 MICROSECOND
        FROM (SELECT ts AS c FROM (SELECT ts, epoch_us(CAST(ts AS TIMESTAMP)) - epoch_us(ts) AS o,
                lag(epoch_us(CAST(ts AS TIMESTAMP)) - epoch_us(ts)) OVER (ORDER BY ts) AS before FROM instants) WHERE o <> before)`);
      await wh.run("INSERT INTO instants VALUES (NULL), (TIMESTAMPTZ '1969-07-20 20:17:40.5+00'), (TIMESTAMPTZ '2100-01-01 00:00:00+00'), ('infinity')");
      const instants = Number(await wh.value("SELECT count(*) FROM instants") as number);
      expect(instants).toBeGreaterThan(550_000);
      const differing = await wh.all("SELECT ts, local_time(ts) AS fast, CAST(ts AS TIMESTAMP) AS cast FROM instants WHERE local_time(ts) IS DISTINCT FROM CAST(ts AS TIMESTAMP) LIMIT 5");
      expect(differing).toEqual([]);
    } finally {
      wh.close();
    }
  });

  it("takes the offset without ICU for most instants: one stretch in Shanghai, two a year in Berlin", async () => {
    for (const [zone, branches] of [["Asia/Shanghai", 1], ["Europe/Berlin", 7]] as const) {
      const wh = await Warehouse.open(":memory:", { timezone: zone });
      try {
        const macro = (await localTimeMacro(wh, "2024-01-01", "2026-12-31"))!;
        expect(macro.match(/ WHEN /g)?.length, zone).toBe(branches);
      } finally {
        wh.close();
      }
    }
  });
});
