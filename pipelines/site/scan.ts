/**
 * Checks of a built site folder.
 *
 * scanOffline: does any file make the browser fetch from (or navigate to) a host other than the one serving
 * the site? "Referencing a host" is decided by where a URL sits, not by its mere presence: a bundle's license
 * comment, an XML namespace ("http://www.w3.org/2000/svg") or a schema id is text the browser never requests.
 * What counts:
 *   HTML  src, href, srcset, poster, data, action, formaction attributes; inline <style> and <script> by the rules below
 *   CSS   url(...) and @import
 *   JS    static and dynamic import specifiers; fetch, importScripts, new Worker/SharedWorker/EventSource/WebSocket,
 *         sendBeacon with a literal URL; sourceMappingURL comments
 *   any   the name of a CDN or font host the stack is known to reach for (KNOWN_HOSTS below: jsDelivr, unpkg, esm-sh, Google Fonts, ...)
 * Allowed: relative and root-relative paths, data: and blob: URLs, 127.0.0.1 and localhost.
 * An import of a bare module name ("vega-embed") is reported too: the browser cannot resolve it, which is how a
 * silently dropped bundle shows up in the output.
 *
 * scanForStrings: which of the given strings occur in which files (the privacy scan).
 * Both read a gzip-compressed file (the shards of a build, pipelines/site/build.ts) as the text it inflates to.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";

/** A file's text, inflated first when it is gzip-compressed (starts with the gzip magic bytes 1f 8b). */
export function readSiteText(file: string): string {
  const bytes = readFileSync(file);
  return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString("utf8");
}

export interface OfflineProblem {
  file: string;
  kind: string;
  url: string;
}

const KNOWN_HOSTS = /\b(cdn\.jsdelivr\.net|unpkg\.com|esm\.sh|cdnjs\.cloudflare\.com|fonts\.googleapis\.com|fonts\.gstatic\.com|api\.observablehq\.com|events\.observablehq\.com|cdn\.skypack\.dev|ga\.jspm\.io)\b/g;

/** Is this URL something other than a path on the serving host? */
export function isExternal(url: string): boolean {
  const u = url.trim();
  const m = /^(?:(https?|wss?|ftp):)?\/\/([^/?#:]+|\[[^\]]+\])/i.exec(u);
  if (!m) return false;
  if (!m[1] && !u.startsWith("//")) return false;
  const host = (m[2] ?? "").toLowerCase();
  return !(host === "127.0.0.1" || host === "localhost" || host === "[::1]");
}

const JS_RULES: Array<[string, RegExp]> = [
  ["import", /\bfrom\s*["'`]([^"'`\s]+)["'`]/g],
  ["import", /(?:^|[;\s{}])import\s*["'`]([^"'`\s]+)["'`]/g],
  ["dynamic import", /\bimport\s*\(\s*["'`]([^"'`\s]+)["'`]\s*\)/g],
  ["fetch", /\b(?:fetch|importScripts|sendBeacon)\s*\(\s*["'`]([^"'`\s]+)["'`]/g],
  ["worker or socket", /\bnew\s+(?:Worker|SharedWorker|EventSource|WebSocket)\s*\(\s*["'`]([^"'`\s]+)["'`]/g],
  ["source map", /sourceMappingURL=(\S+)/g],
];
const CSS_RULES: Array<[string, RegExp]> = [
  ["css url", /url\(\s*["']?([^"')\s]+)["']?\s*\)/g],
  ["css import", /@import\s+["']([^"']+)["']/g],
];
const HTML_ATTRS = /\s(src|href|srcset|poster|data|action|formaction)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;

function scanJs(text: string, file: string, out: OfflineProblem[]): void {
  for (const [kind, re] of JS_RULES) {
    for (const m of text.matchAll(re)) {
      const url = m[1]!;
      if (isExternal(url)) out.push({ file, kind, url });
      else if ((kind === "import" || kind === "dynamic import") && isBareSpecifier(url)) out.push({ file, kind: "unresolved import", url });
    }
  }
}

function isBareSpecifier(s: string): boolean {
  return !/^(\.{1,2}\/|\/|[a-z][a-z0-9+.-]*:)/i.test(s) && /^[@a-z0-9]/i.test(s);
}

function scanCss(text: string, file: string, out: OfflineProblem[]): void {
  for (const [kind, re] of CSS_RULES) for (const m of text.matchAll(re)) if (isExternal(m[1]!)) out.push({ file, kind, url: m[1]! });
}

function scanHtml(text: string, file: string, out: OfflineProblem[]): void {
  for (const m of text.matchAll(HTML_ATTRS)) {
    const value = m[2] ?? m[3] ?? m[4] ?? "";
    const urls = m[1]!.toLowerCase() === "srcset" ? value.split(",").map((s) => s.trim().split(/\s+/)[0] ?? "") : [value];
    for (const url of urls) if (isExternal(url)) out.push({ file, kind: `html ${m[1]!.toLowerCase()}`, url });
  }
  for (const m of text.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)) scanCss(m[1]!, file, out);
  for (const m of text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/gi)) scanJs(m[1]!, file, out);
}

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) yield path.join(e.parentPath, e.name);
}

export function scanOffline(dir: string): OfflineProblem[] {
  const out: OfflineProblem[] = [];
  for (const abs of files(dir)) {
    const file = path.relative(dir, abs);
    const ext = path.extname(file).toLowerCase();
    if (![".html", ".js", ".mjs", ".css", ".json", ".svg", ".map", ".txt", ".csv"].includes(ext)) continue;
    const text = readSiteText(abs);
    if (ext === ".html") scanHtml(text, file, out);
    else if (ext === ".js" || ext === ".mjs") scanJs(text, file, out);
    else if (ext === ".css") scanCss(text, file, out);
    for (const m of text.matchAll(KNOWN_HOSTS)) out.push({ file, kind: "known CDN host", url: m[1]! });
  }
  return out;
}

/**
 * Which of the needles occur in which files (case-insensitive). One pass per file: every position's next
 * `P` characters are looked up in a set of the needles' prefixes, and only a hit is compared in full, so
 * a hundred thousand needles cost about as much as one. Needles shorter than 4 characters are ignored.
 */
export function scanForStrings(dir: string, needles: string[]): Map<string, string[]> {
  const wanted = [...new Set(needles.filter((n) => n.length >= 4).map((n) => n.toLowerCase()))];
  const found = new Map<string, string[]>();
  if (!wanted.length) return found;
  const P = Math.min(12, ...wanted.map((n) => n.length));
  const byPrefix = new Map<string, string[]>();
  for (const n of wanted) {
    const k = n.slice(0, P);
    const list = byPrefix.get(k) ?? [];
    list.push(n);
    byPrefix.set(k, list);
  }
  for (const abs of files(dir)) {
    const text = readSiteText(abs).toLowerCase();
    const hits = new Set<string>();
    for (let i = 0; i + P <= text.length; i++) {
      const candidates = byPrefix.get(text.slice(i, i + P));
      if (!candidates) continue;
      for (const n of candidates) if (text.startsWith(n, i)) hits.add(n);
    }
    for (const n of hits) {
      const list = found.get(n) ?? [];
      list.push(path.relative(dir, abs));
      found.set(n, list);
    }
  }
  return found;
}
