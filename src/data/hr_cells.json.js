// Framework data loader: the published table hr_cells (columnar JSON) from the snapshot.
import { emitTable } from "../../pipelines/site/loader.js";

emitTable("hr_cells");
