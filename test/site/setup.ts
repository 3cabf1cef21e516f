/**
 * Vitest global setup: one test-sized demo department (40 agents, 20,000 tickets, 12 months; the generator needs more than 30 agents for its planted cases), scored, published
 * and built as a site once per test run, in a temp folder; the site tests share it through `inject("site")`.
 * The build is in Chinese (language: zh-CN) so that the language path is the one the browser tests see.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import YAML from "yaml";
import { DEMO_SOURCES } from "../../pipelines/config.ts";

export interface SiteFixture {
  dir: string;
  config: string;
  warehouse: string;
  demo: string;
  dist: string;
  snapshot: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    site: SiteFixture;
  }
}

const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** Can this process run a command with no network at all (a new, empty network namespace)? Root on Linux can. */
function canUnshareNetwork(): boolean {
  try {
    execFileSync("unshare", ["-n", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function appraisal(args: string[], config: string, opts: { noNetwork?: boolean } = {}): string {
  const cli = [path.join(ROOT, "bin", "appraisal.mjs"), "--config", config, ...args];
  const [cmd, argv] = opts.noNetwork ? ["unshare", ["-n", process.execPath, ...cli]] : [process.execPath, cli];
  try {
    return execFileSync(cmd as string, argv as string[], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, TZ: "UTC" },
    });
  } catch (e) {
    const err = e as { stderr?: string };
    throw new Error(`appraisal ${args.join(" ")} failed:\n${(err.stderr ?? String(e)).split("\n").slice(-15).join("\n")}`);
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(path.join(tmpdir(), "appraisal-site-"));
  const config = path.join(dir, "appraisal.config.yaml");
  writeFileSync(
    config,
    YAML.stringify({
      warehouse: "warehouse/appraisal.duckdb",
      language: "zh-CN",
      schemes_dir: path.join(ROOT, "schemes"),
      demo_mode: true,
      demo: { out: "demo-data", agents: 40, tickets: 20_000, months: 12 },
      sources: DEMO_SOURCES,
    }),
  );
  const t0 = Date.now();
  appraisal(["pipeline"], config);
  const dist = path.join(dir, "dist");
  // the build runs with no network at all where the machine allows it (root on Linux, as in CI)
  const offline = canUnshareNetwork();
  appraisal(["build", "--out", dist], config, { noNetwork: offline });
  process.stderr.write(
    `[site setup] demo department scored, published and built${offline ? " (the build with no network)" : " (the build with the network this machine has: unshare -n is not allowed here)"} in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${dir}\n`,
  );
  project.provide("site", {
    dir,
    config,
    warehouse: path.join(dir, "warehouse", "appraisal.duckdb"),
    demo: path.join(dir, "demo-data"),
    dist,
    snapshot: path.join(dir, "warehouse", "published", "staff", "current"),
  });
  return () => rmSync(dir, { recursive: true, force: true });
}
