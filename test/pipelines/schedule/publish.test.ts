/**
 * Publishing atomically: a fake build into a fresh release, swapped in by renaming a symbolic link, so a reader
 * sees the old site or the new one; a failed build leaves the last good site in place.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commandBuild, publishAtomically } from "../../../pipelines/schedule/publish.ts";
import { tempDir } from "../../helpers/warehouse.ts";

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** a fake site build: index.html and a data file, both saying which version they are */
const site = (version: string, delayMs = 0) => async (out: string) => {
  writeFileSync(path.join(out, "index.html"), `<h1>${version}</h1>`);
  await new Promise((r) => setTimeout(r, delayMs));
  mkdirSync(path.join(out, "data"));
  writeFileSync(path.join(out, "data", "rankings.json"), JSON.stringify({ version }));
};

const read = (target: string) => ({
  index: readFileSync(path.join(target, "index.html"), "utf8"),
  data: JSON.parse(readFileSync(path.join(target, "data", "rankings.json"), "utf8")).version,
});

describe("publishAtomically", () => {
  it("swaps complete builds in, and a reader never sees half of one", async () => {
    const target = path.join(dir, "srv", "boards");
    await publishAtomically(target, site("v1"));
    expect(lstatSync(target).isSymbolicLink()).toBe(true);
    expect(read(target)).toEqual({ index: "<h1>v1</h1>", data: "v1" });

    // a reader polling while v2 builds slowly sees v1 whole, then v2 whole, never a mix or nothing
    const seen: string[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) {
        const r = read(target);
        seen.push(`${r.index}|${r.data}`);
        await new Promise((res) => setImmediate(res));
      }
    })();
    await publishAtomically(target, site("v2", 100));
    await new Promise((r) => setTimeout(r, 20));
    reading = false;
    await reader;
    expect(new Set(seen)).toEqual(new Set(["<h1>v1</h1>|v1", "<h1>v2</h1>|v2"]));
  });

  it("keeps the last good site when the build fails or produces nothing, and prunes old releases", async () => {
    const target = path.join(dir, "boards");
    await publishAtomically(target, site("good"), { keep: 1 });
    await expect(
      publishAtomically(target, async (out) => {
        writeFileSync(path.join(out, "index.html"), "half");
        throw new Error("vega-lite spec broken");
      }),
    ).rejects.toThrow(/not published, the last good site stays in place: vega-lite spec broken/);
    await expect(publishAtomically(target, async () => {})).rejects.toThrow(/produced no files/);
    expect(read(target).data).toBe("good");
    for (const v of ["v2", "v3", "v4"]) await publishAtomically(target, site(v), { keep: 1 });
    expect(readdirSync(`${target}.releases`)).toHaveLength(2); // current + 1 kept
    expect(read(target).data).toBe("v4");
  });

  it("takes over a plain folder published before, keeping it as a release", async () => {
    const target = path.join(dir, "boards");
    mkdirSync(target);
    writeFileSync(path.join(target, "index.html"), "old");
    const r = await publishAtomically(target, site("new"));
    expect(r.previous && existsSync(path.join(r.previous, "index.html"))).toBe(true);
    expect(read(target).data).toBe("new");
  });

  it("runs the configured build command (the seam for `npm run build`) and copies its output", async () => {
    const project = path.join(dir, "project");
    mkdirSync(project);
    const log: string[] = [];
    const cmd = `node -e "const fs=require('fs');fs.mkdirSync('dist',{recursive:true});fs.writeFileSync('dist/index.html','built')"`;
    const target = path.join(dir, "boards");
    await publishAtomically(target, commandBuild({ command: cmd, output: "dist", cwd: project, timeoutMs: 30_000, log: (l) => log.push(l) }));
    expect(readFileSync(path.join(target, "index.html"), "utf8")).toBe("built");
    const failing = commandBuild({ command: `node -e "console.error('ENOTFOUND cdn'); process.exit(3)"`, output: "dist", cwd: project, timeoutMs: 30_000, log: () => {} });
    await expect(publishAtomically(target, failing)).rejects.toThrow(/exited with 3: ENOTFOUND cdn/);
    expect(readFileSync(path.join(target, "index.html"), "utf8")).toBe("built");
  });
});
