// Framework data loader: the snapshot's manifest.json.
import { emitJsonFile } from "../../pipelines/site/loader.js";

emitJsonFile("manifest");
