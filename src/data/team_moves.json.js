// Framework data loader: the published table team_moves (moves between teams from the roster history) from the snapshot.
import { emitTable } from "./loader.js";

emitTable("team_moves");
