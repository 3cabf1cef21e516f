// Framework data loader: the published table runs (columnar JSON) from the snapshot.
import { emitTable } from "../../pipelines/site/loader.js";

emitTable("runs");
