#!/usr/bin/env node
// The `appraisal` command: TypeScript sources run through tsx, no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../pipelines/cli/main.ts");
process.exitCode = await main(process.argv);
