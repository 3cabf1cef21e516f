// Framework data loader: the published table opinion_results (columnar JSON) from the snapshot.
import { emitTable } from "../../pipelines/site/loader.js";

emitTable("opinion_results");
