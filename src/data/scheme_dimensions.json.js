// Framework data loader: the published table scheme_dimensions (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("scheme_dimensions");
