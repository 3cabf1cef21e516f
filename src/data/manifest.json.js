// Framework data loader: the snapshot's manifest.json.
import { emitJsonFile } from "./loader.js";

emitJsonFile("manifest");
