// Framework data loader: the published table source_coverage (which sources measure each period) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("source_coverage");
