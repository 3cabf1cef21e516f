/**
 * Serve a built site folder on 127.0.0.1: static files with Framework's clean URLs (/agent -> agent.html),
 * nothing else. Used by `npm start`, `appraisal serve`, the browser tests and the benchmark.
 *
 * Text files (HTML, scripts, stylesheets, JSON, CSV, SVG) go out gzip-compressed to a browser that accepts it, as
 * any web server or static host would send them: the boards' JSON tables shrink about tenfold, the chart library
 * threefold. Each file is compressed once and kept (up to 64 MiB) until it changes on disk.
 */
import { createReadStream, existsSync, readFile, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".parquet": "application/octet-stream",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
};

const COMPRESSIBLE = new Set([".html", ".js", ".css", ".json", ".csv", ".svg", ".txt"]);
const CACHE_BYTES = 64 * 1024 * 1024;

/** Compressed files by path, with the identity of the version compressed (inode, size, modification time). */
const compressed = new Map<string, { version: string; body: Buffer }>();
let cachedBytes = 0;

async function gzipped(file: string): Promise<Buffer> {
  const st = statSync(file);
  const version = `${st.ino}:${st.size}:${st.mtimeMs}`;
  const hit = compressed.get(file);
  if (hit?.version === version) return hit.body;
  const raw = await promisify(readFile)(file);
  // a file the build stored gzip-compressed already (the shards: pipelines/site/build.ts) goes out as it is: the
  // browser undoes the content encoding and the page reads plain JSON (components/data.js reads either)
  const body = raw[0] === 0x1f && raw[1] === 0x8b ? raw : await promisify(gzip)(raw, { level: 6 });
  if (hit) cachedBytes -= hit.body.length;
  if (cachedBytes + body.length > CACHE_BYTES) {
    compressed.clear();
    cachedBytes = 0;
  }
  compressed.set(file, { version, body });
  cachedBytes += body.length;
  return body;
}

function send(req: IncomingMessage, res: ServerResponse, file: string, headers: Record<string, string>): void {
  const ext = path.extname(file).toLowerCase();
  if (!COMPRESSIBLE.has(ext) || !/\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""))) {
    res.writeHead(200, headers);
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
    return;
  }
  gzipped(file).then(
    (body) => {
      res.writeHead(200, { ...headers, "content-encoding": "gzip", "content-length": String(body.length), vary: "accept-encoding" });
      res.end(req.method === "HEAD" ? undefined : body);
    },
    (e: Error) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(`could not read ${path.basename(file)}: ${e.message}`);
    },
  );
}

export interface RunningSite {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** The file a request path maps to, or null: /x -> x.html, /dir/ -> dir/index.html; never outside `root`. */
export function resolveRequest(root: string, urlPath: string): string | null {
  let p: string;
  try {
    p = decodeURIComponent(urlPath.split("?")[0]!.split("#")[0]!);
  } catch {
    return null;
  }
  const abs = path.resolve(root, `.${path.posix.normalize(`/${p}`)}`);
  if (abs !== root && !abs.startsWith(root + path.sep)) return null;
  const candidates = p.endsWith("/") ? [path.join(abs, "index.html")] : [abs, `${abs}.html`, path.join(abs, "index.html")];
  for (const c of candidates) if (existsSync(c) && statSync(c).isFile()) return c;
  return null;
}

/** Serve `dir` on 127.0.0.1:`port` (0 = any free port; a busy port moves to the next one, up to 20 tries). */
export async function serveDir(dir: string, port = 0): Promise<RunningSite> {
  const root = path.resolve(dir);
  if (!existsSync(path.join(root, "index.html"))) throw new Error(`${root} has no index.html: build the site first ('npm run build')`);
  const server = createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405).end();
      return;
    }
    const file = resolveRequest(root, req.url ?? "/");
    if (!file) {
      const notFound = path.join(root, "404.html");
      res.writeHead(404, { "content-type": TYPES[".html"]! });
      if (existsSync(notFound) && req.method === "GET") createReadStream(notFound).pipe(res);
      else res.end("Not found");
      return;
    }
    send(req, res, file, {
      "content-type": TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream",
      "cache-control": file.endsWith(".html") || file.includes(`${path.sep}shards${path.sep}`) ? "no-cache" : "public, max-age=31536000, immutable",
    });
  });
  const listen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(p, "127.0.0.1", () => {
        server.off("error", reject);
        const addr = server.address();
        resolve(typeof addr === "object" && addr ? addr.port : p);
      });
    });
  let bound = 0;
  for (let i = 0; ; i++) {
    try {
      bound = await listen(port === 0 ? 0 : port + i);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE" || port === 0 || i >= 19) throw e;
    }
  }
  return {
    url: `http://127.0.0.1:${bound}/`,
    port: bound,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
