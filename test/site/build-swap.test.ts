/**
 * Building while publishing (issue 10 item 6): `appraisal build` while snapshots are being published used to fail
 * with ENOENT (the snapshot it read was pruned) and leave a dist/ without shards, and every build emptied dist/ in
 * place, so the served site answered 404 for seconds. Now the build pins its snapshot, builds into a fresh release
 * folder and switches dist/ to it in one rename: a server on dist/ answers every request, before, during and after.
 */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, readdirSync, realpathSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { serveDir } from "../../pipelines/site/serve.ts";
import { BIN, runCli, sleep } from "../helpers/cli.ts";
import { tempDir, writeFile } from "../helpers/warehouse.ts";

const site = inject("site");
const run = promisify(execFile);
let dir: string;
let cleanup: () => void;
let config: string;

const appraisal = (args: string[]) => run(process.execPath, [BIN, "--config", config, ...args], { env: { ...process.env, CI: "true" }, maxBuffer: 16 * 1024 * 1024 });

beforeAll(() => {
  const t = tempDir("appraisal-swap-");
  dir = t.dir;
  cleanup = t.cleanup;
  // a copy of the test department's warehouse: its snapshots here are this test's own
  copyFileSync(site.warehouse, path.join(dir, "appraisal.duckdb"));
  copyFileSync(`${site.warehouse}.audit-head.json`, path.join(dir, "appraisal.duckdb.audit-head.json"));
  config = writeFile(dir, "appraisal.config.yaml", `warehouse: appraisal.duckdb\nlanguage: zh-CN\nschemes_dir: ${path.resolve(import.meta.dirname, "..", "..", "schemes")}\n`);
});
afterAll(() => cleanup?.());

describe("a build while snapshots are published", () => {
  // two site builds and three publishes: minutes on a busy 2-core machine
  it("pins its snapshot, and swaps a complete dist/ in: the served site never goes missing", { timeout: 600_000 }, async () => {
    const out = path.join(dir, "dist");
    await appraisal(["build", "--out", out]);
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
    const firstRelease = realpathSync(out);
    const server = await serveDir(out, 0);
    const statuses = new Map<number, number>();
    let polling = true;
    const shard = readdirSync(path.join(out, "_file", "data", "shards", "agents"))[0]!;
    const poll = (async () => {
      while (polling) {
        for (const url of ["", "rankings", `_file/data/shards/agents/${shard}`]) {
          const res = await fetch(`${server.url}${url}`);
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
        await sleep(25);
      }
    })();
    try {
      const build = runCli(["--config", config, "build", "--out", out, "--publish"]);
      // three publishes while it builds: each prunes all but the newest two snapshots
      await sleep(2_000);
      for (let i = 0; i < 3; i++) await appraisal(["snapshot"]);
      const { code } = await build.exited;
      expect(build.output()).not.toMatch(/ENOENT/);
      expect(code).toBe(0);
    } finally {
      polling = false;
      await poll;
      await server.close();
    }
    expect([...statuses.keys()]).toEqual([200]);
    expect(statuses.get(200)).toBeGreaterThan(30);
    // the new release is complete, the one before is kept, and no pin is left behind
    const release = realpathSync(out);
    expect(release).not.toBe(firstRelease);
    expect(readdirSync(path.join(release, "_file", "data", "shards", "agents")).length).toBeGreaterThanOrEqual(40);
    expect(existsSync(firstRelease)).toBe(true);
    expect(existsSync(path.join(dir, "published", "staff", ".pins")) ? readdirSync(path.join(dir, "published", "staff", ".pins")) : []).toEqual([]);
  });

});
