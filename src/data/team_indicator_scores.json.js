// Framework data loader: the published table team_indicator_scores (columnar JSON) from the snapshot.
import { emitTable } from "../../pipelines/site/loader.js";

emitTable("team_indicator_scores");
