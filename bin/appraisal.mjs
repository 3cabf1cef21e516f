#!/usr/bin/env node
// The `appraisal` command: TypeScript sources, bundled on first use and cached (cli-bundle.mjs), no build step.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { importBundled } from "./cli-bundle.mjs";

// `appraisal tracker | head`: a reader that stops early is not an error
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}
const { main } = await importBundled(path.join(import.meta.dirname, "..", "pipelines", "cli", "main.ts"));
process.exitCode = await main(process.argv);
// The benchmark asks each step for its peak memory (DuckDB runs inside this process, so it is included).
if (process.env.APPRAISAL_RESOURCE_REPORT) {
  writeFileSync(process.env.APPRAISAL_RESOURCE_REPORT, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));
}
