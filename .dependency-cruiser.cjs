/**
 * The house's layers (README "The map"), checked by `npm run deps` in `npm test` (dependency-cruiser):
 *
 *   core/          beneath everything: warehouse and migrations, messages, periods and calendar, the config schema,
 *                  the audit log, run records, shutdown, the canonical-JSON hasher. Imports nothing of ours.
 *   data-loaders/  exports -> raw.*: imports core only.
 *   pipelines/     raw.* -> models -> the published snapshot, the rules, the CLI: imports core, and data-loaders only
 *                  where a command starts an ingest (the allow-list below).
 *   src/           the site: reads the published snapshot only; imports none of core, data-loaders, pipelines.
 *
 * No import cycles anywhere.
 */
// The allow-list: the commands that run an ingest or a mapping tool are the only pipelines/ files that may import
// data-loaders/, and only its entry points.
const COMMANDS = "^pipelines/(cli/(main|mapping-commands|progress)\\.ts|schedule/jobs\\.ts)$";
const LOADER_ENTRIES = "^data-loaders/(ingest/(ingest|load-file|reporter)\\.ts|mappings/(schema|init|check)\\.ts)$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: "no-cycles", severity: "error", comment: "files that import each other (also through others)", from: {}, to: { circular: true } },
    {
      name: "core-imports-only-core",
      severity: "error",
      comment: "core/ is the ground floor: it imports nothing of ours outside core/",
      from: { path: "^core/" },
      to: { path: "^(data-loaders|pipelines|src|bench|bin|test)/" },
    },
    {
      name: "loaders-not-pipelines",
      severity: "error",
      comment: "data-loaders/ import core/, never pipelines/",
      from: { path: "^data-loaders/" },
      to: { path: "^pipelines/" },
    },
    {
      name: "pipelines-not-loaders",
      severity: "error",
      comment: "pipelines/ import core/; only the commands that start an ingest import data-loaders/, and only its entry points",
      from: { path: "^pipelines/" },
      to: { path: "^data-loaders/" },
    },
    {
      name: "src-imports-none-of-ours",
      severity: "error",
      comment: "the site reads the published snapshot, never the warehouse or our code",
      from: { path: "^src/" },
      to: { path: "^(core|data-loaders|pipelines)/" },
    },
    { name: "no-unresolvable", severity: "error", comment: "an import that names no file", from: {}, to: { couldNotResolve: true } },
  ],
  allowed: [],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|test|dist|warehouse|demo-data|bench/out|src/\\.observablehq)" },
    tsPreCompilationDeps: true,
    // TypeScript 7 has no compiler API for dependency-cruiser to parse with: swc parses the .ts files
    parser: "swc",
    moduleSystems: ["es6"],
    // packages' "exports" maps (csv-parse/sync, tsx/esm/api)
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], mainFields: ["module", "main"] },
  },
};
// the allow-list, carved out of pipelines-not-loaders
module.exports.forbidden[3].from.pathNot = COMMANDS;
module.exports.forbidden.push({
  name: "commands-import-loader-entries-only",
  severity: "error",
  comment: "the allow-list: the commands that start an ingest import data-loaders/ entry points only",
  from: { path: COMMANDS },
  to: { path: "^data-loaders/", pathNot: LOADER_ENTRIES },
});
