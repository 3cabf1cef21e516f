/**
 * Serve a built site folder on 127.0.0.1: static files with Framework's clean URLs (/agent -> agent.html),
 * nothing else. Used by `npm start`, `appraisal serve`, the browser tests and the benchmark.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";

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
    res.writeHead(200, {
      "content-type": TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream",
      "cache-control": file.endsWith(".html") || file.includes(`${path.sep}shards${path.sep}`) ? "no-cache" : "public, max-age=31536000, immutable",
    });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
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
