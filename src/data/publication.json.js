// Framework data loader: the published table publication (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("publication");
