/**
 * local_time(ts) (core/db/local-time.ts) gives what CAST(ts AS TIMESTAMP) gives in the session's zone, for every
 * instant; the wall-time macro gives what CAST(ts AS TIMESTAMPTZ) (or timezone(zone, ts)) gives, for every wall time:
 * zones with and without daylight saving, half-hour and quarter-hour offsets, the minutes around every change (the wall
 * times a change skips or repeats among them, and the day Samoa skipped), outside the span the macro was made for, and NULL.
 */
import { describe, expect, it } from "vitest";
import { localTimeMacro, wallTimeFunction, wallTimeMacro } from "../../../core/db/local-time.ts";
import { lit, Warehouse } from "../../../core/db/warehouse.ts";

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

describe("wall time to instant", () => {
  /** wall times every 181 s over the span and a month either side, each second of the two hours around every change, odd values */
  const wallTimes = async (wh: Warehouse, zone: string) => {
    await wh.run(`CREATE TABLE walls AS
      SELECT unnest(generate_series(TIMESTAMP '2011-10-01 00:00:00', TIMESTAMP '2027-02-01 00:00:00', INTERVAL 613 SECOND)) AS ts`);
    // the changes, as wall times in the zone: every second of the hour either side (skipped and repeated times included)
    await wh.run(`INSERT INTO walls
      SELECT unnest(generate_series(c - INTERVAL 60 MINUTE, c + INTERVAL 60 MINUTE, INTERVAL 1 SECOND)) + INTERVAL (shift) MICROSECOND
      FROM (VALUES (0), (123457)) AS s(shift), (SELECT timezone(${lit(zone)}, i) AS c FROM (
              SELECT i, epoch_us(timezone(${lit(zone)}, i)) - epoch_us(i) AS o, lag(epoch_us(timezone(${lit(zone)}, i)) - epoch_us(i)) OVER (ORDER BY i) AS before
              FROM (SELECT unnest(generate_series(TIMESTAMPTZ '2011-10-01 00:00:00+00', TIMESTAMPTZ '2027-02-01 00:00:00+00', INTERVAL 15 MINUTE)) AS i))
            WHERE o <> before)`);
    await wh.run("INSERT INTO walls VALUES (NULL), (TIMESTAMP '1969-07-20 20:17:40.5'), (TIMESTAMP '2100-01-01 00:00:00'), ('infinity'), ('-infinity')");
    return Number((await wh.value("SELECT count(*) FROM walls")) as number);
  };

  // Samoa moved across the date line at the end of 2011: a day of wall times was skipped
  it.each([...ZONES, "Pacific/Apia"])("equals CAST AS TIMESTAMPTZ in %s", async (zone) => {
    const wh = await Warehouse.open(":memory:", { timezone: zone });
    try {
      const macro = await wallTimeMacro(wh, "instant_of", "2012-01-01", "2026-12-31");
      expect(macro).toMatch(/^CREATE OR REPLACE TEMP MACRO instant_of\(ts\) AS CASE WHEN/);
      await wh.run(macro);
      expect(await wallTimes(wh, zone)).toBeGreaterThan(750_000);
      const differing = await wh.all("SELECT ts, instant_of(ts) AS fast, CAST(ts AS TIMESTAMPTZ) AS cast FROM walls WHERE instant_of(ts) IS DISTINCT FROM CAST(ts AS TIMESTAMPTZ) LIMIT 5");
      expect(differing).toEqual([]);
    } finally {
      wh.close();
    }
  });

  it("equals timezone(zone, ts) for an export in another zone than the session's", async () => {
    const wh = await Warehouse.open(":memory:", { timezone: "Asia/Shanghai" });
    try {
      for (const zone of ["America/New_York", "Australia/Lord_Howe"]) {
        await wh.run(await wallTimeMacro(wh, "instant_in", "2012-01-01", "2026-12-31", zone));
        await wh.run("DROP TABLE IF EXISTS walls");
        await wallTimes(wh, zone);
        const differing = await wh.all(
          `SELECT ts, instant_in(ts) AS fast, timezone(${lit(zone)}, ts) AS cast FROM walls WHERE instant_in(ts) IS DISTINCT FROM timezone(${lit(zone)}, ts) LIMIT 5`,
        );
        expect(differing, zone).toEqual([]);
      }
    } finally {
      wh.close();
    }
  });

  it("leaves ICU only the days around a change: one branch in Shanghai, two a year in Berlin, the latest first", async () => {
    const wh = await Warehouse.open(":memory:", { timezone: "Europe/Berlin" });
    try {
      const berlin = await wallTimeMacro(wh, "instant_of", "2024-01-01", "2026-12-31");
      expect(berlin.match(/ WHEN /g)?.length).toBe(7);
      const first = /WHEN epoch_us\(ts\) - \(\d+\) BETWEEN (\d+)/.exec(berlin)!;
      expect(Number(BigInt(first[1]!) / 1_000_000n)).toBeGreaterThan(Date.parse("2026-10-01") / 1000);
      const shanghai = await wallTimeMacro(wh, "instant_in", "2024-01-01", "2026-12-31", "Asia/Shanghai");
      expect(shanghai.match(/ WHEN /g)?.length).toBe(1);
    } finally {
      wh.close();
    }
  });

  it("is made once per connection and zone for an ingest, around the load's time", async () => {
    const wh = await Warehouse.open(":memory:", { timezone: "Asia/Shanghai" });
    try {
      const now = new Date("2026-11-27T04:00:00Z");
      const session = await wallTimeFunction(wh, undefined, now);
      const berlin = await wallTimeFunction(wh, "Europe/Berlin", now);
      expect(session).toBe("wall_time_session");
      expect(berlin).toMatch(/^wall_time_europe_berlin_[0-9a-f]{8}$/);
      expect(await wallTimeFunction(wh, "Europe/Berlin", now)).toBe(berlin);
      // two zones whose names differ only in a sign get two macros, each with its own offset
      const west = await wallTimeFunction(wh, "Etc/GMT+8", now);
      const east = await wallTimeFunction(wh, "Etc/GMT-8", now);
      expect(west).not.toBe(east);
      const hours = await wh.one<{ w: number; e: number }>(
        `SELECT (epoch(${west}(TIMESTAMP '2026-06-01 12:00:00')) - epoch(TIMESTAMP '2026-06-01 12:00:00')) / 3600 AS w,
                (epoch(${east}(TIMESTAMP '2026-06-01 12:00:00')) - epoch(TIMESTAMP '2026-06-01 12:00:00')) / 3600 AS e`,
      );
      expect(hours).toEqual({ w: 8, e: -8 });
      const row = await wh.one<{ a: string; b: string; c: string; d: string }>(
        `SELECT ${session}(TIMESTAMP '2026-03-29 02:30:00')::VARCHAR AS a, CAST(TIMESTAMP '2026-03-29 02:30:00' AS TIMESTAMPTZ)::VARCHAR AS b,
                ${berlin}(TIMESTAMP '2026-10-25 02:30:00')::VARCHAR AS c, timezone('Europe/Berlin', TIMESTAMP '2026-10-25 02:30:00')::VARCHAR AS d`,
      );
      expect(row!.a).toBe(row!.b);
      expect(row!.c).toBe(row!.d);
    } finally {
      wh.close();
    }
  });
});
