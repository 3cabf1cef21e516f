// Framework data loader for the live preview: one indicator's HR cells (a build copies all shards instead).
import { parseArgs } from "node:util";
import { emitShard } from "../../loader.js";

const { values } = parseArgs({ options: { indicator: { type: "string" } } });
emitShard("hr", values.indicator ?? "");
