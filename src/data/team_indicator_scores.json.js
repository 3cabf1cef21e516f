// Framework data loader: the published table team_indicator_scores (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("team_indicator_scores");
