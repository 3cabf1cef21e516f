// Reading the published data in the browser: tables as {"columns": [...], "rows": [[...], ...]} to row
// objects, and the shard files (one agent, one period) fetched by URL parameter.
import {shardName} from "./shard-name.js";

/** Row objects from a published table: {columns: ["a", "b"], rows: [[1, 3], [2, 4]]} -> [{a: 1, b: 3}, {a: 2, b: 4}]. */
export function rowsOf(table) {
  const names = table?.columns ?? [];
  return (table?.rows ?? []).map((values) => {
    const row = {};
    for (let i = 0; i < names.length; ++i) row[names[i]] = values[i];
    return row;
  });
}

/** The URL of a shard file, relative to the site's root (pages live at the root). */
export function shardUrl(kind, key) {
  return new URL(`_file/data/shards/${kind}/${shardName(key)}.json`, new URL(".", document.baseURI)).href;
}

/**
 * Fetch a shard; null when it does not exist (an unknown agent id in the URL). A built site holds the shards
 * gzip-compressed (pipelines/site/build.ts): they are inflated here with the browser's DecompressionStream. The live
 * preview serves them as plain JSON, and so would a server that inflated them on the way: both are read as they come.
 */
export async function fetchShard(kind, key) {
  const res = await fetch(shardUrl(kind, key));
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`could not load ${kind}/${key}: HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const text = gzipped ? await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text() : new TextDecoder().decode(bytes);
  return JSON.parse(text);
}

/** A URL query parameter of the page. */
export function param(name) {
  return new URLSearchParams(location.search).get(name);
}

/** Link to another board, keeping the chosen period. */
export function boardHref(page, params = {}) {
  const u = new URLSearchParams(params);
  return `./${page}${u.size ? `?${u}` : ""}`;
}
