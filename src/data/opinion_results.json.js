// Framework data loader: the published table opinion_results (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("opinion_results");
