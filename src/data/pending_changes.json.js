// Framework data loader: the published table pending_changes (columnar JSON) from the snapshot.
import { emitTable } from "../../pipelines/site/loader.js";

emitTable("pending_changes");
