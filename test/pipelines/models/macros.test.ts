/**
 * The statistical helpers of pipelines/models/macros.sql that the fairness models lean on.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { withWarehouse } from "../../helpers/warehouse.ts";

const MACROS = readFileSync(path.join(import.meta.dirname, "..", "..", "..", "pipelines", "models", "macros.sql"), "utf8");

describe("macros", () => {
  it("t975 is Student's 97.5% quantile within 0.01 from 4 degrees of freedom", async () => {
    await withWarehouse(async (wh) => {
      await wh.run(MACROS);
      const rows = await wh.all<{ df: number; t: number }>("SELECT df, t975(df) AS t FROM (VALUES (3), (4), (5), (10), (30), (1000)) v(df) ORDER BY df");
      // tables of Student's t
      const want = [3.182, 2.776, 2.571, 2.228, 2.042, 1.962];
      const tolerance = [0.04, 0.01, 0.01, 0.01, 0.01, 0.01];
      for (const [i, r] of rows.entries()) expect(Math.abs(r.t - want[i]!)).toBeLessThanOrEqual(tolerance[i]!);
    });
  });

  it("period_end_order puts a period after every period that ends before it, months before quarters before years", async () => {
    await withWarehouse(async (wh) => {
      await wh.run(MACROS);
      const rows = await wh.all<{ period: string }>(
        `SELECT period FROM (VALUES ('year', '2026'), ('quarter', '2026-Q4'), ('month', '2026-11'), ('month', '2026-10'), ('quarter', '2026-Q3'),
           ('month', '2026-09'), ('year', '2025'), ('month', '2025-12'), ('quarter', '2025-Q4'), ('month', '2026-01'), ('quarter', '2026-Q1'),
           ('month', '2026-03')) p(period_type, period) ORDER BY period_end_order(period_type, period)`,
      );
      expect(rows.map((r) => r.period)).toEqual(["2025-12", "2025-Q4", "2025", "2026-01", "2026-03", "2026-Q1", "2026-09", "2026-Q3", "2026-10", "2026-11", "2026-Q4", "2026"]);
    });
  });

  it("seeded draws are uniform and normal, independent across slots, and the same every time", async () => {
    await withWarehouse(async (wh) => {
      await wh.run(MACROS);
      const sql = `SELECT avg(u) AS mean_u, avg(z) AS mean_z, var_samp(z) AS var_z, corr(u, u2) AS r
        FROM (SELECT draw_u(4242::UBIGINT, i * 64) AS u, draw_u(4242::UBIGINT, i * 64 + 2) AS u2, draw_z(4242::UBIGINT, i * 64 + 4) AS z
              FROM range(1, 100001) r(i))`;
      const a = await wh.one<{ mean_u: number; mean_z: number; var_z: number; r: number }>(sql);
      expect(Math.abs(a!.mean_u - 0.5)).toBeLessThan(0.005);
      expect(Math.abs(a!.mean_z)).toBeLessThan(0.01);
      expect(Math.abs(a!.var_z - 1)).toBeLessThan(0.02);
      expect(Math.abs(a!.r)).toBeLessThan(0.01);
      expect(await wh.one(sql)).toEqual(a);
    });
  });

  it("standard errors: a share is smoothed so that 5 of 5 is not certain; a count of 0 still has one", async () => {
    await withWarehouse(async (wh) => {
      await wh.run(MACROS);
      const r = await wh.one<{ five: number; big: number; zero: number; median: number }>(
        "SELECT share_se(5, 5) AS five, share_se(90, 100) AS big, count_se(0) AS zero, median_se(2, 6, 100) AS median",
      );
      expect(r!.five).toBeCloseTo(Math.sqrt((6 / 7) * (1 / 7) / 5), 12);
      expect(r!.big).toBeCloseTo(Math.sqrt((91 / 102) * (11 / 102) / 100), 12);
      expect(r!.zero).toBe(1);
      expect(r!.median).toBeCloseTo((1.2533 * 4) / 1.349 / 10, 12);
    });
  });

  it("ms_between is date_diff('millisecond') without the ICU calendar, in any zone, microseconds, DST and before 1970 included", async () => {
    await withWarehouse(async (wh) => {
      await wh.run(MACROS);
      for (const zone of ["Asia/Shanghai", "America/New_York", "Australia/Lord_Howe"]) {
        await wh.run(`SET TimeZone = '${zone}'`);
        const r = await wh.one<{ n: number; differ: number; nulls: number }>(`
          WITH pairs AS (
            SELECT make_timestamptz(1700000000000000 + (hash(i) % 200000000000000)::BIGINT) AS a,
                   make_timestamptz(1700000000000000 + (hash(i, 7) % 200000000000000)::BIGINT) AS b
            FROM range(20000) t(i)
            UNION ALL SELECT TIMESTAMPTZ '2026-03-08 01:59:59.9999-05', TIMESTAMPTZ '2026-03-08 03:00:00.0001-04'
            UNION ALL SELECT TIMESTAMPTZ '2026-11-01 01:30:00.5-04', TIMESTAMPTZ '2026-11-01 01:30:00.1-05'
            UNION ALL SELECT TIMESTAMPTZ '1969-12-31 23:59:59.9995+00', TIMESTAMPTZ '1970-01-01 00:00:00.0004+00'
            UNION ALL SELECT TIMESTAMPTZ '1960-05-01 10:00:00.123456+00', TIMESTAMPTZ '1960-05-01 09:00:00.987654+00'
            UNION ALL SELECT NULL, TIMESTAMPTZ '2026-01-01 00:00:00+08'
          )
          SELECT count(*) AS n, count_if(ms_between(a, b) IS DISTINCT FROM date_diff('millisecond', a, b)) AS differ,
              count_if(ms_between(a, b) IS NULL) AS nulls
          FROM pairs`);
        expect(r).toEqual({ n: 20005, differ: 0, nulls: 1 });
      }
    });
  });
});
