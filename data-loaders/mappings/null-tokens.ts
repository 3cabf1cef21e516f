/**
 * File-level null tokens (`null_tokens:` in a mapping): values such as `?`, `NULL`, `-` or `N/A` that mean "empty"
 * in every column of a file, so that no column needs a value map for them.
 */
import type { Mapping } from "./schema.ts";

/** the lower-cased null tokens of a mapping (`?`, `null`, `-`, `n/a`) */
export const nullTokens = (mapping: Pick<Mapping, "null_tokens">) => [...new Set(mapping.null_tokens.map((t) => t.trim().toLowerCase()))].filter(Boolean);

/**
 * The strings DuckDB's CSV reader reads as NULL: the empty string and the mapping's null tokens in every mix of
 * upper and lower case (the reader compares exactly; columns it converts itself never reach the SQL check).
 */
export function readerNullStrings(mapping: Pick<Mapping, "null_tokens">): string[] {
  const out = new Set<string>([""]);
  for (const token of nullTokens(mapping)) {
    const letters = [...token].filter((ch) => ch.toLowerCase() !== ch.toUpperCase()).length;
    if (letters > 6) {
      for (const v of [token, token.toUpperCase(), token[0]!.toUpperCase() + token.slice(1)]) out.add(v);
      continue;
    }
    let variants = [""];
    for (const ch of token) {
      const cases = ch.toLowerCase() === ch.toUpperCase() ? [ch] : [ch.toLowerCase(), ch.toUpperCase()];
      variants = variants.flatMap((v) => cases.map((c) => v + c));
    }
    for (const v of variants) out.add(v);
  }
  return [...out];
}

