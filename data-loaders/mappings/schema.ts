/**
 * A mapping: how one kind of export file is read and mapped onto a canonical table.
 * Mappings are YAML files in this folder; the config names them per source.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { z } from "zod";
import { AgentMatch, ColumnSpec } from "../../core/config/column-spec.ts";
import { TimeZone } from "../../core/config/zone.ts";
import { contractFor, TableName } from "../../core/contracts/tables.ts";
import { formatZodError } from "../../core/messages.ts";

export const MAPPINGS_DIR = import.meta.dirname;

// the column spec is part of the config file too (an inline mapping of an API source): it lives in core
export { AgentMatch, ColumnSpec };

export const Mapping = z
  .object({
    description: z.string().optional(),
    table: TableName,
    format: z.enum(["csv", "tsv", "json", "ndjson", "parquet"]),
    /** auto: UTF-8 (with or without BOM), else GB18030, which covers GBK and GB2312 */
    encoding: z.enum(["auto", "utf-8", "gb18030", "gbk", "gb2312", "utf-16le", "utf-16be", "latin1"]).default("auto"),
    delimiter: z.string().length(1).optional(),
    quote: z.string().max(1).default('"'),
    /** lines before the header row (titles some survey tools print first) */
    skip_lines: z.int().min(0).max(100).default(0),
    /** JSON only: where the records are inside each document, for example $.tickets */
    records_path: z.string().startsWith("$").optional(),
    /** lines after the data that are not records: the file's last lines from the first one starting with this text
     *  (Zammad's report ends with "Timezone: Europe/Berlin"); blank rows just before it go too. CSV/TSV only */
    footer_starts_with: z.string().min(1).max(100).optional(),
    /** values that mean "empty" in every column of this file (compared without regard to case, after trimming):
     *  `?`, `NULL`, `-`, `N/A`. Applied before value maps and defaults */
    null_tokens: z.array(z.string().min(1).max(20)).max(20).default([]),
    /** the zone of this file's times that carry no offset (default: the department's, config `timezone`) */
    timezone: TimeZone.optional(),
    timestamp_formats: z.array(z.string()).default([]),
    date_formats: z.array(z.string()).default([]),
    /** 'null': a column mapped to an optional field may be absent from the file (read as empty);
     *  'error' (default): every mapped column must be there */
    missing_columns: z.enum(["error", "null"]).default("error"),
    /** how agent references in this file are matched to the roster, in order */
    agent_match: z.array(AgentMatch).min(1).default(["agent_id"]),
    columns: z.record(z.string(), ColumnSpec),
  })
  .superRefine((m, ctx) => {
    const contract = contractFor(m.table);
    const fields = Object.keys(contract.schema.shape);
    for (const key of Object.keys(m.columns)) {
      if (!fields.includes(key))
        ctx.addIssue({
          code: "custom",
          path: ["columns", key],
          message: `'${key}' is not a field of ${m.table}; the fields are ${fields.join(", ")}`,
        });
    }
    for (const [key, spec] of Object.entries(m.columns)) {
      if (typeof spec === "object" && spec.from && !fields.includes(spec.from))
        ctx.addIssue({ code: "custom", path: ["columns", key, "from"], message: `'${spec.from}' is not a field of ${m.table}` });
    }
    if (m.footer_starts_with && !["csv", "tsv"].includes(m.format))
      ctx.addIssue({ code: "custom", path: ["footer_starts_with"], message: "footer_starts_with is for csv and tsv files" });
    for (const [key, spec] of Object.entries(m.columns)) {
      if (typeof spec !== "object" || !spec.match) continue;
      if (!contract.agentRefs.includes(key))
        ctx.addIssue({ code: "custom", path: ["columns", key, "match"], message: `match is for agent references (${contract.agentRefs.join(", ") || "none in this table"})` });
      for (const by of Object.keys(spec.match))
        if (!m.agent_match.includes(by as z.infer<typeof AgentMatch>))
          ctx.addIssue({ code: "custom", path: ["columns", key, "match", by], message: `'${by}' is not in agent_match (${m.agent_match.join(", ")}); add it there to say where it is tried` });
    }
    if (m.records_path && !["json", "ndjson"].includes(m.format))
      ctx.addIssue({ code: "custom", path: ["records_path"], message: "records_path is for json and ndjson files" });
  });
export type Mapping = z.infer<typeof Mapping>;

/** A mapping's definition as canonical JSON (keys sorted; its description left out): what its hash is of. */
export function mappingDefinition(m: Mapping): string {
  const { description: _d, ...rest } = m as Mapping & { name?: string; file?: string };
  const { name: _n, file: _f, ...def } = rest as Record<string, unknown>;
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v && typeof v === "object"
        ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]))
        : v;
  return JSON.stringify(sorted(def));
}

/** The sha256 of a mapping's definition: a file read under a changed mapping is read again. */
export function mappingHash(m: Mapping): string {
  return createHash("sha256").update(mappingDefinition(m)).digest("hex");
}

/** Load a mapping by name (demo/tickets) or by path (./my-mapping.yaml). */
export function loadMapping(nameOrPath: string, baseDir = process.cwd()): Mapping & { name: string; file: string } {
  const candidates = [
    path.resolve(baseDir, nameOrPath),
    path.join(MAPPINGS_DIR, `${nameOrPath}.yaml`),
    path.join(MAPPINGS_DIR, nameOrPath),
  ];
  const file = candidates.find((c) => existsSync(c) && c.endsWith(".yaml"));
  if (!file) throw new Error(`mapping '${nameOrPath}' not found; give a name under data-loaders/mappings (like demo/tickets) or a path to a .yaml file`);
  let raw: unknown;
  try {
    raw = YAML.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file} is not valid YAML: ${(e as Error).message}`);
  }
  const parsed = Mapping.safeParse(raw);
  if (!parsed.success) throw new Error(formatZodError(file, parsed.error));
  return { ...parsed.data, name: nameOrPath, file };
}
