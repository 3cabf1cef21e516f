// Framework data loader: the published table source_coverage (which sources measure each period) from the snapshot.
import { emitTable } from "../../pipelines/site/loader.js";

emitTable("source_coverage");
