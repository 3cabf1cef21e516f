/**
 * Building the boards: Observable Framework turns src/ into a static site from a published snapshot, with
 * everything imported from node_modules (nothing is fetched). Then the per-agent and per-period shard files are
 * copied beside it, and the result is scanned: a build that references an external host, or that left an import
 * unresolved (Framework can drop a module silently and still exit 0), fails here rather than in a browser.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import { build as esbuild } from "esbuild";
import { labels } from "../../src/components/i18n.js";
import { pinSnapshot } from "../publish/publish.ts";
import { publishAtomically } from "../schedule/publish.ts";
import { scanOffline } from "./scan.ts";

export const PROJECT = path.resolve(import.meta.dirname, "..", "..");
const FRAMEWORK_BIN = path.join(PROJECT, "node_modules", "@observablehq", "framework", "dist", "bin", "observable.js");

export interface SiteBuild {
  out: string;
  seconds: number;
  files: number;
  bytes: number;
}

/**
 * Libraries bundled by esbuild into one minified browser ES module each, in src/vendor/ (ignored by git): Arquero 8
 * (Framework's own bundling keeps node: imports the browser refuses), and vega-embed with Vega and Vega-Lite, which
 * Framework would ship as about 60 modules (a chain of round trips on a phone); components/vl.js imports it only when
 * a chart is about to be drawn, after the board's text and tables.
 */
const VENDOR: Array<{ out: string; entry: string; pkg: string }> = [
  { out: "arquero.js", entry: "arquero/src/index.js", pkg: "arquero" },
  { out: "vega-embed.js", entry: "vega-embed", pkg: "vega-embed" },
];

const gzip = promisify(gzipCallback);

export async function bundleVendor(project = PROJECT): Promise<void> {
  for (const v of VENDOR) {
    const out = path.join(project, "src", "vendor", v.out);
    const pkg = path.join(project, "node_modules", v.pkg, "package.json");
    if (existsSync(out) && statSync(out).mtimeMs > statSync(pkg).mtimeMs) continue;
    mkdirSync(path.dirname(out), { recursive: true });
    await esbuild({
      entryPoints: [v.entry.includes("/") ? path.join(project, "node_modules", v.entry) : v.entry],
      absWorkingDir: project,
      bundle: true,
      format: "esm",
      platform: "browser",
      minify: true,
      legalComments: "none",
      outfile: out,
      logLevel: "error",
    });
  }
}

/**
 * Framework's client and standard library carry lazy imports of libraries the boards never load (react,
 * leaflet, echarts, DuckDB-Wasm's parquet helper, sample datasets...). On a fresh checkout Framework asks
 * registry.npmjs.org for each one's latest version while bundling. A version folder in Framework's npm cache
 * answers that locally, so a build needs no network at all (these imports are never executed; versions as the
 * registry answered on 2026-11-25).
 */
const FRAMEWORK_LAZY_NPM: Record<string, string> = {
  "@observablehq/plot": "0.6.17",
  "@observablehq/sample-datasets": "1.0.1",
  "apache-arrow": "21.2.0",
  arquero: "8.0.3",
  d3: "7.9.2",
  "d3-dsv": "3.0.2",
  echarts: "6.1.0",
  htl: "1.0.0",
  leaflet: "1.9.4",
  lodash: "4.18.1",
  "mapbox-gl": "3.32.0",
  "parquet-wasm": "0.8.0",
  react: "19.3.1",
  "react-dom": "19.2.0",
  "topojson-client": "3.1.0",
};

export function pinFrameworkNpmVersions(project = PROJECT): void {
  const dir = path.join(project, "src", ".observablehq", "cache", "_npm");
  for (const [name, version] of Object.entries(FRAMEWORK_LAZY_NPM)) {
    const scope = name.startsWith("@") ? name.split("/")[0]! : "";
    const base = scope ? name.slice(scope.length + 1) : name;
    if (existsSync(path.join(dir, scope)) && readdirSync(path.join(dir, scope)).some((d) => d.startsWith(`${base}@`))) continue;
    mkdirSync(path.join(dir, `${name}@${version}`), { recursive: true });
  }
}

/** The environment for Framework: the snapshot, the output folder, no telemetry, node_modules/.bin for tsx. */
export function frameworkEnv(snapshot: string, out?: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    APPRAISAL_SNAPSHOT: snapshot,
    ...(out ? { APPRAISAL_SITE_OUT: out } : {}),
    OBSERVABLE_TELEMETRY_DISABLE: "true",
    PATH: `${path.join(PROJECT, "node_modules", ".bin")}${path.delimiter}${process.env.PATH ?? ""}`,
  };
}

/** Only one build at a time may use src/.observablehq/cache: wait for another build to finish. */
async function withBuildLock<T>(fn: () => Promise<T>, log: (s: string) => void): Promise<T> {
  const lock = path.join(PROJECT, "src", ".observablehq", "build.lock");
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  let told = false;
  for (;;) {
    try {
      closeSync(openSync(lock, "wx"));
      writeFileSync(lock, String(process.pid));
      break;
    } catch {
      const pid = Number(readFileSync(lock, "utf8") || 0);
      let alive = false;
      try {
        alive = pid > 0 && process.kill(pid, 0);
      } catch {
        alive = false;
      }
      if (!alive) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another site build (process ${pid}) has held ${lock} for 10 minutes; stop it or remove the file`);
      if (!told) log(`waiting for another site build (process ${pid}) to finish ...`);
      told = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // already gone
    }
  }
}

/**
 * Build the boards from a snapshot into `out`, without ever emptying or half-filling `out` (issue 10 item 6): the
 * snapshot is pinned for the whole build (a hard-linked copy no publish can prune), the site is built into a fresh
 * release folder beside `out` (<out>.releases/<time>), and `out` becomes a symbolic link switched to it in one rename
 * once it is complete and scanned. A reader (a server on `out`) sees the old site or the new one, never a gap; a failed
 * build leaves the last good site in place. The release before is kept (a page being loaded may still read it).
 */
export async function buildSite(opts: {
  snapshot: string;
  out: string;
  log?: (s: string) => void;
  verbose?: boolean;
  /** the snapshot in force, if `snapshot` is pruned before it is pinned */
  current?: () => string | null;
}): Promise<SiteBuild> {
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const t0 = Date.now();
  const out = path.resolve(opts.out);
  return withBuildLock(async () => {
    await bundleVendor();
    pinFrameworkNpmVersions();
    const pin = pinSnapshot(opts.snapshot, opts.current);
    try {
      const published = await publishAtomically(
        out,
        async (release) => {
          // Framework keeps loader output until the loader file changes; a new snapshot must be read again.
          rmSync(path.join(PROJECT, "src", ".observablehq", "cache", "data"), { recursive: true, force: true });
          log(`building the boards from ${pin.of} ...`);
          const output = await run(process.execPath, [FRAMEWORK_BIN, "build"], frameworkEnv(pin.dir, release), opts.verbose);
          if (output.code !== 0) {
            throw new Error(`the site build failed (exit ${output.code}):\n${output.text.split("\n").slice(-40).join("\n")}`);
          }
          const failed = output.text.split("\n").filter((l) => /\berror\b/i.test(l) && !/0 errors?/.test(l));
          if (failed.length) throw new Error(`the site build reported errors:\n${failed.slice(0, 20).join("\n")}`);
          await compressShards(path.join(pin.dir, "shards"), path.join(release, "_file", "data", "shards"));
          finishPages(release, JSON.parse(readFileSync(path.join(pin.dir, "manifest.json"), "utf8")).language ?? "en");
          const problems = scanOffline(release);
          if (problems.length) {
            throw new Error(
              `the built site in ${out} is not self-contained:\n${problems
                .slice(0, 20)
                .map((p) => `  ${p.file}: ${p.kind} ${p.url}`)
                .join("\n")}`,
            );
          }
        },
        { keep: 1 },
      );
      const { files, bytes } = du(published.release);
      return { out, seconds: (Date.now() - t0) / 1000, files, bytes };
    } finally {
      pin.release();
    }
  }, log);
}

/**
 * What Framework 1.13 cannot write into its pages: `<html lang="...">` (screen readers pick their voice by it, and
 * browsers the Chinese rather than the Japanese forms of Han characters) and a skip link before the sidebar, the
 * first thing a keyboard reaches, to the board's content.
 */
export function finishPages(dir: string, language: string): void {
  const { L } = labels(language);
  const skip = `<a class="skip-link" href="#observablehq-main">${L.skipToContent}</a>`;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith(".html")) continue;
    const file = path.join(dir, e.name);
    const html = readFileSync(file, "utf8");
    let next = html.replace(/<html(\s+lang="[^"]*")?>/, `<html lang="${language}">`);
    if (!next.includes('class="skip-link"')) next = next.replace(/<body([^>]*)>/, `<body$1>\n${skip}`);
    if (next !== html) writeFileSync(file, next);
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, verbose = false): Promise<{ code: number; text: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: PROJECT, env, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: string[] = [];
    const take = (b: Buffer) => {
      const s = b.toString("utf8");
      chunks.push(s);
      if (verbose) process.stderr.write(s);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", reject);
    // strip terminal colours so the text can be searched
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences
    child.on("close", (code) => resolve({ code: code ?? 1, text: chunks.join("").replace(/\x1b\[[0-9;]*m/g, "") }));
  });
}

/**
 * Copy the snapshot's shards into the site gzip-compressed, under the same names (the pages inflate them with the
 * browser's DecompressionStream, src/components/data.js). JSON of full-precision numbers compresses about 3.8 to 1:
 * at 2,000 agents with every period named, 210 MB of shards become about 50 MB. The snapshot keeps them as plain
 * JSON (what `appraisal dev`'s loaders serve, and what the pages read as well). Deflated on the thread pool, eight
 * files in flight.
 */
export async function compressShards(from: string, to: string, level = 6): Promise<{ files: number; bytes: number }> {
  const files = readdirSync(from, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(from, path.join(e.parentPath, e.name)));
  let bytes = 0;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const out = path.join(to, files[i]!);
      mkdirSync(path.dirname(out), { recursive: true });
      const gz = await gzip(readFileSync(path.join(from, files[i]!)), { level });
      writeFileSync(out, gz);
      bytes += gz.length;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { files: files.length, bytes };
}

/** Files and bytes under a folder. */
export function du(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += statSync(path.join(e.parentPath, e.name)).size;
  }
  return { files, bytes };
}
