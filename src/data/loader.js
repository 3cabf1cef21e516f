// What every Framework data loader under src/data/ does: find the published snapshot and write one of its
// files to stdout. The loaders never open the warehouse and never compute a score. Plain JavaScript on
// purpose: Framework runs loaders one after another, and node starts in 0.05 s where tsx takes 1.5 s.
// The snapshot is the folder in APPRAISAL_SNAPSHOT (set by `appraisal build` and `appraisal dev`), else the
// staff snapshot's `current` under warehouse/published.
import { existsSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";

const PROJECT = path.resolve(import.meta.dirname, "..", "..");

export function snapshotDir() {
  const dir = process.env.APPRAISAL_SNAPSHOT ?? path.join(PROJECT, "warehouse", "published", "staff", "current");
  if (!existsSync(path.join(dir, "manifest.json"))) {
    throw new Error(`no published snapshot at ${dir}: run 'npm run build' (or 'appraisal snapshot') first`);
  }
  return realpathSync(dir);
}

function emitFile(file, what) {
  if (!existsSync(file)) throw new Error(`the snapshot has no ${what} (${file}); publish again ('appraisal snapshot')`);
  process.stdout.write(readFileSync(file));
}

/** A published table as JSON ({"columns": [...], "rows": [[...], ...]}), as the publish step wrote it. */
export function emitTable(name) {
  emitFile(path.join(snapshotDir(), "site", `${name}.json`), `table ${name}`);
}

/** manifest.json (what, when, language, current period) or metrics.json (the metric catalogue). */
export function emitJsonFile(name) {
  emitFile(path.join(snapshotDir(), `${name}.json`), name);
}

/** One shard (shards/<kind>/<key>.json): the live preview's way to what a build copies in one go. */
export function emitShard(kind, key) {
  emitFile(path.join(snapshotDir(), "shards", kind, `${key}.json`), `${kind} shard ${key}`);
}
