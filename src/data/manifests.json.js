// Framework data loader: the published table manifests (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("manifests");
