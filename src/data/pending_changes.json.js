// Framework data loader: the published table pending_changes (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("pending_changes");
