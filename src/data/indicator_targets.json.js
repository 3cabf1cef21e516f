// Framework data loader: the published table indicator_targets (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("indicator_targets");
