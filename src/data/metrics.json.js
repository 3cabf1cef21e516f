// Framework data loader: the snapshot's metrics.json.
import { emitJsonFile } from "./loader.js";

emitJsonFile("metrics");
