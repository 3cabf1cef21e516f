// Framework data loader: the snapshot's metrics.json.
import { emitJsonFile } from "../../pipelines/site/loader.js";

emitJsonFile("metrics");
