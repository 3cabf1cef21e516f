// Framework data loader: the published table appeal_counts (columnar JSON) from the snapshot.
import { emitTable } from "../../pipelines/site/loader.js";

emitTable("appeal_counts");
