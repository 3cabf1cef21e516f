// Framework data loader for the live preview: one period's rankings shard (a build copies all shards instead).
import { parseArgs } from "node:util";
import { emitShard } from "../../loader.js";

const { values } = parseArgs({ options: { period: { type: "string" } } });
emitShard("rankings", values.period ?? "");
