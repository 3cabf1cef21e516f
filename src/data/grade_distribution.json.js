// Framework data loader: the published table grade_distribution (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("grade_distribution");
