// Framework data loader: the published table published_results (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("published_results");
