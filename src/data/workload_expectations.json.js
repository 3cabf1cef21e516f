// Framework data loader: the published table workload_expectations (columnar JSON) from the snapshot.
import { emitTable } from "../../pipelines/site/loader.js";

emitTable("workload_expectations");
