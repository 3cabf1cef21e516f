#!/usr/bin/env node
// `npm run bench`: the benchmark harness (bench/run.ts), run through tsx.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../bench/run.ts");
process.exitCode = await main(process.argv.slice(2));
