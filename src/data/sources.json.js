// Framework data loader: the published table sources (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("sources");
