// Framework data loader for the live preview: one agent's shard (a build copies all shards instead).
import { parseArgs } from "node:util";
import { emitShard } from "../../loader.js";

const { values } = parseArgs({ options: { agent: { type: "string" } } });
emitShard("agents", values.agent ?? "");
