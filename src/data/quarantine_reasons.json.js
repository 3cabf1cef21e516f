// Framework data loader: the published table quarantine_reasons (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("quarantine_reasons");
