/**
 * The static server of `npm start`, `appraisal serve`, the browser tests and the benchmark: clean URLs, and text
 * files gzip-compressed for a browser that accepts it (identical bytes once decompressed), fresh after a change.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSite, serveDir } from "../../pipelines/site/serve.ts";

let dir = "";
let site: RunningSite;

/** A raw GET (node's fetch would decompress and hide the encoding). */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on("error", reject)
      .end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "serve-"));
  writeFileSync(path.join(dir, "index.html"), "<h1>boards</h1>");
  writeFileSync(path.join(dir, "agent.html"), "<h1>agent</h1>");
  writeFileSync(path.join(dir, "table.json"), JSON.stringify({ columns: ["team"], rows: Array.from({ length: 500 }, () => ["一线支持一组"]) }));
  writeFileSync(path.join(dir, "chart.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  site = await serveDir(dir, 0);
});

afterAll(async () => {
  await site?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("serveDir", () => {
  it("sends text gzip-compressed to a client that accepts it, and the same bytes plain to one that does not", async () => {
    const plain = await get(`${site.url}table.json`);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const zipped = await get(`${site.url}table.json`, { "accept-encoding": "gzip, deflate, br" });
    expect(zipped.status).toBe(200);
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers.vary).toBe("accept-encoding");
    expect(zipped.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(gunzipSync(zipped.body)).toEqual(plain.body);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 10);
  });

  it("keeps clean URLs, leaves images as they are, and answers 404 for what is not there", async () => {
    const page = await get(`${site.url}agent`, { "accept-encoding": "gzip" });
    expect(gunzipSync(page.body).toString()).toBe("<h1>agent</h1>");
    const png = await get(`${site.url}chart.png`, { "accept-encoding": "gzip" });
    expect(png.headers["content-encoding"]).toBeUndefined();
    expect([...png.body]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect((await get(`${site.url}nothing.json`, { "accept-encoding": "gzip" })).status).toBe(404);
  });

  it("compresses a file again when it changes on disk", async () => {
    writeFileSync(path.join(dir, "index.html"), "<h1>boards, built again</h1>");
    const res = await get(site.url, { "accept-encoding": "gzip" });
    expect(gunzipSync(res.body).toString()).toBe("<h1>boards, built again</h1>");
  });
});
