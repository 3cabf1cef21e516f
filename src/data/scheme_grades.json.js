// Framework data loader: the published table scheme_grades (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("scheme_grades");
