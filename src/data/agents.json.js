// Framework data loader: the published table agents (columnar JSON) from the snapshot.
import { emitTable } from "../../pipelines/site/loader.js";

emitTable("agents");
