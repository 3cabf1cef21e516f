// The file name of a shard (one agent's or one period's JSON file), shared by the snapshot writer
// (pipelines/publish/shards.ts) and the pages that fetch the file (components/data.js). Letters, digits, "-" and "_"
// stay as they are; every other byte of the key's UTF-8 (including "~" itself, and ".") becomes "~" and two hex
// digits. "~" is never left alone, so the encoding is reversible and two different keys never share a file:
// "AB/1" -> "AB~2F1", "AB_2F1" -> "AB_2F1". Ordinary ids and periods (E1007, 2026-Q3) keep their own name.

/** The file name (without .json) of the shard for `key`. */
export function shardName(key) {
  let out = "";
  for (const b of new TextEncoder().encode(String(key))) {
    const safe = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2d || b === 0x5f;
    out += safe ? String.fromCharCode(b) : `~${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The key a shard file name stands for (the inverse of shardName); null when `name` is not such a name. */
export function shardKey(name) {
  if (!/^(?:[A-Za-z0-9_-]|~[0-9A-F]{2})*$/.test(name)) return null;
  const bytes = [];
  for (let i = 0; i < name.length; i++) {
    if (name[i] === "~") {
      bytes.push(Number.parseInt(name.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(name.charCodeAt(i));
  }
  try {
    return new TextDecoder("utf-8", {fatal: true}).decode(new Uint8Array(bytes));
  } catch {
    return null;
  }
}
