/**
 * The `appraisal` command runs from a cached esbuild bundle of its TypeScript sources (bin/cli-bundle.mjs): built on
 * first use, reused while none of its source files changed, rebuilt when one did, and each source file keeps its own
 * import.meta.dirname (the SQL models and migrations are read beside the sources, not beside the bundle).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXTERNAL } from "../../bin/cli-bundle.mjs";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "appraisal.mjs");
// inside the project, as the real cache is: the bundle imports the packages from node_modules
mkdirSync(path.join(ROOT, "node_modules", ".cache"), { recursive: true });
const cache = mkdtempSync(path.join(ROOT, "node_modules", ".cache", "appraisal-cli-test-"));
const bundle = path.join(cache, "main.mjs");
const stamp = path.join(cache, "main.inputs.json");
/** run the command, and fail where it ran through tsx because the bundle failed */
const appraisal = (...args: string[]) => appraisalIn(ROOT, ...args);
/** the same, started from the folder `cwd` */
const appraisalIn = (cwd: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, APPRAISAL_CLI_CACHE: cache, APPRAISAL_DEBUG_BUNDLE: "1" }, encoding: "utf8" });
  expect(r.stderr).not.toContain("bundle failed");
  expect(r.status).toBe(0);
  return r.stdout;
};

afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe("the CLI bundle", () => {
  it("is built on first use from the CLI's sources, and the command works from it", () => {
    expect(appraisal("--help")).toContain("Usage: appraisal");
    const inputs = Object.keys(JSON.parse(readFileSync(stamp, "utf8")).inputs);
    expect(inputs).toContain(path.join(ROOT, "pipelines", "cli", "main.ts"));
    expect(inputs).toContain(path.join(ROOT, "pipelines", "run.ts"));
    // the packages are bundled (a rebuild follows an npm install that changed one of their files) but for native
    // code and the few that find their own files at run time, which stay imports from node_modules
    expect(inputs).toContain(path.join(ROOT, "node_modules", "zod", "package.json").replace("package.json", "v4/classic/schemas.js"));
    expect(inputs.some((f) => f.includes(path.join("node_modules", "@duckdb", "node-api")))).toBe(true);
    for (const pkg of EXTERNAL) expect(inputs.some((f) => f.includes(path.join("node_modules", pkg, path.sep)))).toBe(false);
    // imported or required by name at run time
    for (const pkg of ["esbuild", "@duckdb/node-bindings", "node-cron"]) expect(readFileSync(bundle, "utf8")).toContain(JSON.stringify(pkg));
  });

  it("keeps each source file's own folder, where the models and migrations are read", () => {
    const code = readFileSync(bundle, "utf8");
    expect(code).not.toMatch(/import\.meta\.(dirname|filename|url)/);
    expect(code).toContain(JSON.stringify(path.join(ROOT, "pipelines")));
    expect(code).toContain(JSON.stringify(path.join(ROOT, "core", "db")));
  });

  it("is reused while its sources are unchanged and rebuilt when one changed", () => {
    const built = statSync(bundle).mtimeMs;
    appraisal("--help");
    expect(statSync(bundle).mtimeMs).toBe(built);
    // a source file of another size than when the bundle was built: as if it had been edited
    const s = JSON.parse(readFileSync(stamp, "utf8"));
    const main = path.join(ROOT, "pipelines", "cli", "main.ts");
    s.inputs[main][0] += 1;
    writeFileSync(stamp, JSON.stringify(s));
    appraisal("--help");
    expect(statSync(bundle).mtimeMs).toBeGreaterThan(built);
    expect(JSON.parse(readFileSync(stamp, "utf8")).inputs[main][0]).toBe(statSync(main).size);
  });

  it("is rebuilt when it was built for another checkout (a node_modules copied beside other sources)", () => {
    const s = JSON.parse(readFileSync(stamp, "utf8"));
    s.toolchain = s.toolchain.replace(ROOT, "/elsewhere/checkout");
    writeFileSync(stamp, JSON.stringify(s));
    const before = statSync(bundle).mtimeMs;
    appraisal("--help");
    expect(statSync(bundle).mtimeMs).toBeGreaterThan(before);
    expect(JSON.parse(readFileSync(stamp, "utf8")).toolchain).toContain(ROOT);
  });

  it("is built and used when the command is started from another folder (a scheduler's or a script's)", () => {
    // esbuild names its inputs relative to the folder it was started in: read against the project's, they named files
    // that do not exist, and every command started elsewhere fell back to tsx (`--help` 1.4 s instead of 0.5 s)
    rmSync(bundle);
    rmSync(stamp);
    expect(appraisalIn(tmpdir(), "--help")).toContain("Usage: appraisal");
    const inputs = Object.keys(JSON.parse(readFileSync(stamp, "utf8")).inputs);
    expect(inputs).toContain(path.join(ROOT, "pipelines", "cli", "main.ts"));
    for (const f of inputs) expect(statSync(f).isFile(), f).toBe(true);
    const built = statSync(bundle).mtimeMs;
    appraisalIn(tmpdir(), "--help");
    appraisal("--help");
    expect(statSync(bundle).mtimeMs).toBe(built);
  });

  it("falls back to tsx when told not to bundle", () => {
    const out = execFileSync(process.execPath, [BIN, "--help"], {
      env: { ...process.env, APPRAISAL_CLI_CACHE: path.join(cache, "unused"), APPRAISAL_NO_BUNDLE: "1" },
      encoding: "utf8",
    });
    expect(out).toContain("Usage: appraisal");
    expect(() => statSync(path.join(cache, "unused"))).toThrow();
  });
});
