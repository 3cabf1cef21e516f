/**
 * The offline scan decides what "references an external host" means: what a browser would fetch or navigate to.
 * Text that is never requested (license comments, XML namespaces, schema ids) is not a reference.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { isExternal, scanForStrings, scanOffline } from "../../pipelines/site/scan.ts";
import { tempDir } from "../helpers/warehouse.ts";

const t = tempDir("appraisal-scan-");
afterAll(() => t.cleanup());

function site(files: Record<string, string | Buffer>): string {
  const dir = path.join(t.dir, `site-${Math.random().toString(36).slice(2)}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe("isExternal", () => {
  it("treats other hosts as external and the serving host's paths as local", () => {
    expect(isExternal("https://cdn.jsdelivr.net/npm/x")).toBe(true);
    expect(isExternal("//fonts.googleapis.com/css")).toBe(true);
    expect(isExternal("wss://example.com/socket")).toBe(true);
    expect(isExternal("http://127.0.0.1:4321/agent")).toBe(false);
    expect(isExternal("http://localhost/x")).toBe(false);
    expect(isExternal("./_file/data/x.json")).toBe(false);
    expect(isExternal("/_import/style.css")).toBe(false);
    expect(isExternal("data:,")).toBe(false);
  });
});

describe("scanOffline", () => {
  it("passes text the browser never fetches: license comments, namespaces, schema ids, error links", () => {
    const dir = site({
      "index.html": '<!doctype html><link rel="icon" href="data:,"><script type="module" src="./_observablehq/client.js"></script><svg xmlns="http://www.w3.org/2000/svg"></svg><a href="./agent?id=E1">x</a>',
      "_node/x.js": '/*! https://github.com/some/lib (MIT) */ const ns = "http://www.w3.org/2000/svg"; const s = {$schema: "https://vega.github.io/schema/vega/v6.json"}; import {a} from "../y.js"; export {a};',
      "_import/style.css": '@import url("./theme.css"); .x { background: url(data:image/png;base64,AAAA) }',
    });
    expect(scanOffline(dir)).toEqual([]);
  });

  it("reports every way a page could reach another host, and imports the browser cannot resolve", () => {
    const dir = site({
      "a.html": '<script src="https://cdn.example.org/x.js"></script><img srcset="./a.png 1x, https://img.example.org/b.png 2x"><a href="https://example.org/">out</a>',
      "b.js": 'import x from "https://esm.example.org/x.js"; const m = import("https://cdn.example.org/m.js"); fetch("https://api.example.org/v1"); new Worker("https://w.example.org/w.js"); import e from "vega-embed";\n//# sourceMappingURL=https://maps.example.org/b.js.map',
      "c.css": '@import "https://fonts.example.org/f.css"; .y { background: url("https://img.example.org/y.png") }',
      "d.json": '{"note": "see cdn.jsdelivr.net"}',
    });
    const found = scanOffline(dir).map((p) => `${p.file} ${p.kind} ${p.url}`);
    expect(found).toEqual(
      expect.arrayContaining([
        "a.html html src https://cdn.example.org/x.js",
        "a.html html srcset https://img.example.org/b.png",
        "a.html html href https://example.org/",
        "b.js import https://esm.example.org/x.js",
        "b.js dynamic import https://cdn.example.org/m.js",
        "b.js fetch https://api.example.org/v1",
        "b.js worker or socket https://w.example.org/w.js",
        "b.js unresolved import vega-embed",
        "b.js source map https://maps.example.org/b.js.map",
        "c.css css import https://fonts.example.org/f.css",
        "c.css css url https://img.example.org/y.png",
        "d.json known CDN host cdn.jsdelivr.net",
      ]),
    );
    expect(found).toHaveLength(12);
  });
});

describe("scanForStrings", () => {
  it("finds needles case-insensitively in any file, Chinese included, and ignores needles under 4 characters", () => {
    const dir = site({ "a.json": '{"x": "Client000712@Corp.Example.net"}', "b/c.html": "<p>响应及时，沟通顺畅（E1002）</p>", "d.txt": "abc" });
    const found = scanForStrings(dir, ["client000712@corp.example.net", "响应及时，沟通顺畅（E1002）", "abc", "not-there-at-all"]);
    expect(Object.fromEntries(found)).toEqual({
      "client000712@corp.example.net": ["a.json"],
      "响应及时，沟通顺畅（e1002）": [path.join("b", "c.html")],
    });
  });

  it("reads a gzip-compressed file (a built site's shards) as the text it inflates to, for both scans", () => {
    const dir = site({
      "shards/agents/E1002.json": gzipSync('{"agent": {"agent_id": "E1002"}, "note": "Client000712@Corp.Example.net"}'),
      "shards/x.json": gzipSync('{"font": "https://fonts.googleapis.com/css"}'),
    });
    expect(Object.fromEntries(scanForStrings(dir, ["client000712@corp.example.net"]))).toEqual({
      "client000712@corp.example.net": [path.join("shards", "agents", "E1002.json")],
    });
    expect(scanOffline(dir).map((p) => `${p.file} ${p.kind} ${p.url}`)).toEqual([`${path.join("shards", "x.json")} known CDN host fonts.googleapis.com`]);
  });
});
