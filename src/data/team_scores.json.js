// Framework data loader: the published table team_scores (columnar JSON) from the snapshot.
import { emitTable } from "../../pipelines/site/loader.js";

emitTable("team_scores");
