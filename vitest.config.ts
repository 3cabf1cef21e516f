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
    // the audit log is keyed (core/audit.ts); tests use a fixed test key (a test of the missing key unsets it)
    env: { TZ: "UTC", APPRAISAL_AUDIT_KEY: "test-audit-key-0123456789abcdef" },
  },
});
