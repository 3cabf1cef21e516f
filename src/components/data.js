// Reading the published data in the browser: columnar JSON ({column: [values...]}) to rows, and the shard
// files (one agent, one period) fetched by URL parameter.

/** Rows from a columnar object: {a: [1, 2], b: [3, 4]} -> [{a: 1, b: 3}, {a: 2, b: 4}]. */
export function rowsOf(columns) {
  const names = Object.keys(columns ?? {});
  const n = names.length ? columns[names[0]].length : 0;
  const rows = new Array(n);
  for (let i = 0; i < n; ++i) {
    const row = {};
    for (const k of names) row[k] = columns[k][i];
    rows[i] = row;
  }
  return rows;
}

/** The URL of a shard file, relative to the site's root (pages live at the root). */
export function shardUrl(kind, key) {
  const name = encodeURIComponent(key).replaceAll("%", "_");
  return new URL(`_file/data/shards/${kind}/${name}.json`, new URL(".", document.baseURI)).href;
}

/** Fetch a shard; null when it does not exist (an unknown agent id in the URL). */
export async function fetchShard(kind, key) {
  const res = await fetch(shardUrl(kind, key));
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`could not load ${kind}/${key}: HTTP ${res.status}`);
  return res.json();
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
