// Framework data loader: the published table periods (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("periods");
