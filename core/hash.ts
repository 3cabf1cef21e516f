/**
 * The one canonical JSON of the project, the text that is hashed: object keys sorted, members whose value is
 * `undefined` left out (as JSON.stringify leaves them out), `undefined` in an array or alone written as null.
 * It hashes audit-log entries (core/audit.ts), scheme versions (pipelines/scheme/load.ts), manifests
 * (pipelines/proof/manifest.ts).
 *
 * Before it, each of those had its own: the audit log's wrote an undefined member as null, the scheme's wrote it
 * as the bare word undefined, the manifest's left it out. No hash stored on a warehouse changes with this one:
 * an audit entry is verified from its stored detail (JSON, so it holds null, never undefined), scheme versions
 * are parsed YAML (no undefined member), and manifests used this rule already (test/core/hash.test.ts).
 */
import { createHash } from "node:crypto";

export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v ?? null);
}

/** The SHA-256 (hex) of a value's canonical JSON. */
export const canonicalHash = (v: unknown): string => createHash("sha256").update(canonicalJson(v)).digest("hex");
