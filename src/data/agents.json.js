// Framework data loader: the published table agents (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("agents");
