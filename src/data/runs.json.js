// Framework data loader: the published table runs (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("runs");
