// Framework data loader: the published table workload_expectations (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("workload_expectations");
