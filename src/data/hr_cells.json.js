// Framework data loader: the published table hr_cells (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("hr_cells");
