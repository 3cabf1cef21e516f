import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // the demo department scored, published and built as a site once per run (test/site/setup.ts)
    globalSetup: ["test/site/setup.ts"],
    // DuckDB work is CPU-bound and the machine has 2 cores: two test files at a time
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    env: { TZ: "UTC" },
  },
});
