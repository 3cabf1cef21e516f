// Framework data loader: the published table appeal_counts (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("appeal_counts");
