// The command's TypeScript sources as one module, so that a command starts in a fraction of a second.
// Loading the CLI's ~110 TypeScript modules one by one through tsx's loader took 1.1 s before any work began (a third
// of `appraisal snapshot` at 2,000 agents). esbuild bundles them into one file under node_modules/.cache, rebuilt
// whenever one of the files it was built from changed (size or modification time), or esbuild, node or the project's
// folder changed. The packages are in the bundle too, but for native code and the few listed in EXTERNAL: importing
// them from node_modules file by file (DuckDB's client alone is a hundred CommonJS files, each scanned for its exports)
// took 0.7 s of `appraisal --help`, 0.5 s with them bundled (2026-11-27). Each source file keeps its own
// import.meta.dirname, url and filename (written into the bundle as constants), so the SQL models and migrations are
// read where they are.
// Anything unexpected (no esbuild, an unwritable cache, a failed build) falls back to tsx: the same code, slower.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(import.meta.dirname, "..");
const CACHE = process.env.APPRAISAL_CLI_CACHE ?? path.join(ROOT, "node_modules", ".cache", "appraisal-cli");

/** Packages left out of the bundle: native code (esbuild, DuckDB's bindings), node-cron (it finds its own files by
 *  import.meta.url) and nodemailer (loaded only to send mail). */
export const EXTERNAL = ["esbuild", "@duckdb/node-bindings", "node-cron", "nodemailer"];

/** Import `entry` (a .ts file) from its cached bundle, building the bundle first where it is missing or stale. */
export async function importBundled(entry) {
  if (process.env.APPRAISAL_NO_BUNDLE !== "1") {
    try {
      const bundle = await freshBundle(entry);
      return await import(pathToFileURL(bundle).href);
    } catch (e) {
      if (process.env.APPRAISAL_DEBUG_BUNDLE) console.error(`appraisal: the CLI bundle failed, running through tsx instead: ${e}`);
    }
  }
  const { register } = await import("tsx/esm/api");
  register();
  return import(pathToFileURL(entry).href);
}

async function freshBundle(entry) {
  const name = path.basename(entry).replace(/\.ts$/, "");
  const file = path.join(CACHE, `${name}.mjs`);
  const stampFile = path.join(CACHE, `${name}.inputs.json`);
  // the project folder too: a node_modules copied beside another checkout must not run this checkout's sources
  const toolchain = `${ROOT} ${process.version} esbuild ${readPackageVersion("esbuild")}`;
  if (upToDate(stampFile, toolchain)) return file;

  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [entry],
    // the metafile names its inputs relative to this folder (by default the one the command was started in)
    absWorkingDir: ROOT,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // the packages are bundled too (importing them one file at a time took 0.4 s of every command's start);
    // only native code and what is imported late stay ordinary imports from node_modules
    external: EXTERNAL,
    // a smaller file parses sooner (`appraisal --help` 0.55-0.58 -> 0.43-0.50 s); names stay, for readable stacks
    minifyWhitespace: true,
    // the bundled CommonJS packages call require() for node's own modules
    // (resolved from the project, wherever the cache is)
    banner: { js: `import { createRequire as __appraisalRequire } from "node:module"; const require = __appraisalRequire(${JSON.stringify(path.join(ROOT, "package.json"))});` },
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: [keepImportMeta],
  });
  const inputs = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const abs = path.resolve(ROOT, input);
    const s = statSync(abs);
    inputs[abs] = [s.size, s.mtimeMs];
  }
  mkdirSync(CACHE, { recursive: true });
  // written under a temporary name and renamed: a command started meanwhile reads the old bundle or the new, whole
  const tmp = `.${process.pid}`;
  writeFileSync(file + tmp, result.outputFiles[0].contents);
  renameSync(file + tmp, file);
  writeFileSync(stampFile + tmp, JSON.stringify({ toolchain, inputs }));
  renameSync(stampFile + tmp, stampFile);
  return file;
}

function upToDate(stampFile, toolchain) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile, "utf8"));
  } catch {
    return false;
  }
  if (stamp.toolchain !== toolchain) return false;
  for (const [file, [size, mtimeMs]] of Object.entries(stamp.inputs)) {
    try {
      const s = statSync(file);
      if (s.size !== size || s.mtimeMs !== mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function readPackageVersion(name) {
  return JSON.parse(readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")).version;
}

/** Every source file's import.meta.dirname, filename and url as constants of that file, not of the bundle. */
const keepImportMeta = {
  name: "keep-import-meta",
  setup(b) {
    b.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const contents = source
        .replaceAll("import.meta.dirname", JSON.stringify(path.dirname(args.path)))
        .replaceAll("import.meta.filename", JSON.stringify(args.path))
        .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href));
      return { contents, loader: "ts" };
    });
  },
};
