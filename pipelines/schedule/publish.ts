/**
 * Publishing the boards atomically: the site is built into a fresh release folder beside the target, and only a
 * complete build is switched in, by renaming a new symbolic link over the target (rename is atomic: a reader
 * sees the old site or the new one, never half of either). A failed build leaves the last good site in place.
 *
 *   <target>            -> <target>.releases/<timestamp>   (a symbolic link)
 *   <target>.releases/   the current release and the `keep` before it, for a quick rollback
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, symlinkSync } from "node:fs";
import path from "node:path";

export interface PublishResult {
  target: string;
  release: string;
  files: number;
  previous: string | null;
}

/** Build into `dir` (which exists and is empty); reject to abandon the release. */
export type BuildFn = (dir: string) => Promise<void>;

function countFiles(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1;
  return n;
}

export async function publishAtomically(target: string, build: BuildFn, opts: { keep?: number; now?: Date } = {}): Promise<PublishResult> {
  const abs = path.resolve(target);
  const releases = `${abs}.releases`;
  mkdirSync(releases, { recursive: true });
  const stamp = (opts.now ?? new Date()).toISOString().replace(/[:.]/g, "-");
  let release = path.join(releases, stamp);
  for (let i = 2; existsSync(release); i++) release = path.join(releases, `${stamp}-${i}`);
  mkdirSync(release);
  try {
    await build(release);
    const files = countFiles(release);
    if (files === 0) throw new Error("the build produced no files");
    if (!existsSync(path.join(release, "index.html"))) throw new Error("the build produced no index.html");
  } catch (e) {
    rmSync(release, { recursive: true, force: true });
    throw new Error(`the site was not published, the last good site stays in place: ${(e as Error).message}`);
  }
  let previous: string | null = null;
  const exists = existsSync(abs) || isLink(abs);
  if (exists && lstatSync(abs).isSymbolicLink()) previous = path.resolve(path.dirname(abs), readlinkSync(abs));
  else if (exists) {
    // first publish over a plain folder: keep it as a release (the only moment the target is briefly absent)
    previous = path.join(releases, `${stamp}-before`);
    renameSync(abs, previous);
  }
  const link = `${abs}.link-${process.pid}`;
  rmSync(link, { force: true });
  symlinkSync(path.relative(path.dirname(abs), release), link);
  renameSync(link, abs);
  prune(releases, release, opts.keep ?? 2);
  return { target: abs, release, files: countFiles(release), previous };
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Remove all but the current release and the `keep` newest before it. */
function prune(releases: string, current: string, keep: number): void {
  const others = readdirSync(releases)
    .map((n) => path.join(releases, n))
    .filter((p) => p !== current && statSync(p).isDirectory())
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs || b.localeCompare(a));
  for (const old of others.slice(keep)) rmSync(old, { recursive: true, force: true });
}

/**
 * The seam to the project's site build: run `command` (for the boards, `npm run build`) in `cwd`, then copy
 * its output folder into the release. The lead wires the real command in config (publish.command).
 */
export function commandBuild(opts: { command: string; output: string; cwd: string; timeoutMs: number; log: (line: string) => void }): BuildFn {
  return async (dir) => {
    const out = path.resolve(opts.cwd, opts.output);
    rmSync(out, { recursive: true, force: true });
    await new Promise<void>((resolve, reject) => {
      const child = spawn(opts.command, { cwd: opts.cwd, shell: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true" } });
      let tail = "";
      const keep = (b: Buffer) => {
        tail = (tail + b.toString()).slice(-2000);
      };
      child.stdout.on("data", keep);
      child.stderr.on("data", keep);
      const timer = setTimeout(() => child.kill("SIGTERM"), opts.timeoutMs);
      child.on("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`'${opts.command}' ${signal ? `was stopped (${signal}; timeout?)` : `exited with ${code}`}: ${tail.trim().split("\n").slice(-5).join(" | ")}`));
      });
    });
    if (!existsSync(out)) throw new Error(`'${opts.command}' succeeded but wrote no ${opts.output}/`);
    // `appraisal build` leaves its output as a symbolic link to its newest release: copy what it points to
    cpSync(realpathSync(out), dir, { recursive: true });
    opts.log(`built the site with '${opts.command}' (${countFiles(dir)} files)`);
  };
}
