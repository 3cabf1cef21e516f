#!/usr/bin/env node
// The `appraisal` command: TypeScript sources run through tsx, no build step.
import { writeFileSync } from "node:fs";
import { register } from "tsx/esm/api";

register();
const { main } = await import("../pipelines/cli/main.ts");
process.exitCode = await main(process.argv);
// The benchmark asks each step for its peak memory (DuckDB runs inside this process, so it is included).
if (process.env.APPRAISAL_RESOURCE_REPORT) {
  writeFileSync(process.env.APPRAISAL_RESOURCE_REPORT, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));
}
