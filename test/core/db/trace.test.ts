/**
 * APPRAISAL_TRACE_SQL: the statements slower than the threshold go to stderr with their seconds and memory, the others
 * do not; without the variable nothing is printed.
 */
import { afterEach, expect, it, vi } from "vitest";
import { Warehouse } from "../../../core/db/warehouse.ts";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

async function traced(env: string | undefined): Promise<string[]> {
  if (env !== undefined) vi.stubEnv("APPRAISAL_TRACE_SQL", env);
  const lines: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  const wh = await Warehouse.open(":memory:", { timezone: "Asia/Shanghai" });
  try {
    await wh.run("CREATE TABLE quick AS SELECT 1 AS x");
    await wh.value("SELECT count(*) FROM range(30000000) a, range(4) b WHERE a.range % 7 = b.range");
  } finally {
    wh.close();
  }
  return lines.filter((l) => l.startsWith("sql "));
}

it("prints the slow statements with their seconds and memory", async () => {
  const lines = await traced("0.05");
  // once: a query read back (runAndReadAll, which calls run itself) was printed twice
  expect(lines.filter((l) => /^sql \d+\.\d\d s, memory \d+\.\d\d GiB \(peak \d+\.\d\d\): SELECT count\(\*\) FROM range/.test(l))).toHaveLength(1);
  expect(lines.some((l) => l.includes("CREATE TABLE quick"))).toBe(false);
});

it("prints nothing without APPRAISAL_TRACE_SQL", async () => {
  expect(await traced(undefined)).toEqual([]);
});
