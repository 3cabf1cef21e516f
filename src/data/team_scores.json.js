// Framework data loader: the published table team_scores (columnar JSON) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("team_scores");
