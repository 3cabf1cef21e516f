/**
 * What the boards may show: each published table is a board model, pipelines/models/boards/<name>.sql, one SELECT
 * over the warehouse for one audience, with a header of `-- key: value` lines (validated here):
 *
 *   -- audience: staff | management    staff tables go into every build; management ones only into the management build
 *   -- shard_only: yes | no            yes: rows that reach the site through the shards only (shards.ts: per agent,
 *                                      per period, the HR cells per indicator);
 *                                      no: also as site/<name>.json, what the Framework loaders read
 *   -- about: ...                      what the table holds, for the snapshot's manifest
 *   -- periods: published              (optional) the SELECT keeps only the primary scheme's rows of its published
 *                                      periods ($published_periods): the frozen overlay then reads those periods'
 *                                      rows alone (pipelines/rules/frozen.ts), not the live relations of every period
 *
 * Nothing here recomputes a score: the SELECTs pick, join, rename and count what `appraisal run` computed.
 * A board model may use five parameters, substituted at publish time (publish.ts): `$scheme` the primary scheme id,
 * `$period_states` the publication state of each period (meta.period_states where the warehouse has it, else an
 * empty table: every period open), `$review_due` the due dates of open reviews (pipelines/rules/review.ts), and
 * `$named_periods` the periods whose results this audience may see by name (NAMED_PERIODS), and `$published_periods` the
 * periods of the scheme with a publication state (PUBLISHED_PERIODS); both as lists of constants, which DuckDB pushes
 * down into the scans.
 *
 * Privacy: no board model reads a customer field, a ticket subject, a comment, a rater id or a quarantined value.
 * 360 results are per rater group and only where the group is shown (self and supervisor, or >= 3 raters).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { formatZodError } from "../../core/messages.ts";

export const AUDIENCES = ["staff", "management"] as const;
export type Audience = (typeof AUDIENCES)[number];

export const BOARDS_DIR = path.join(import.meta.dirname, "..", "models", "boards");

/** The parameters a board model may use; any other `$word` is an error naming the file. */
export const BOARD_PARAMETERS = ["$scheme", "$period_states", "$review_due", "$named_periods", "$published_periods"] as const;

/** A board model's header: the contract of its `-- key: value` lines. */
export const BoardHeader = z
  .object({
    audience: z.enum(AUDIENCES),
    shard_only: z.enum(["yes", "no"]).transform((v) => v === "yes"),
    about: z.string().trim().min(1),
    periods: z.literal("published").optional(),
  })
  .strict();

export interface PublishedTable {
  /** the file's name: models/boards/<name>.sql */
  name: string;
  audience: Audience;
  /** what the table holds, for the snapshot's manifest */
  about: string;
  /** DuckDB SQL over the warehouse (the file without its header), with the parameters above */
  sql: string;
  /** tables cut into shards (per agent, per period, per indicator) reach the site through them only; the others also as site/<name>.json */
  shardOnly?: boolean;
  /** the SELECT keeps only the primary scheme's rows of its published periods (`-- periods: published`) */
  publishedOnly?: boolean;
  /** the board model's file */
  file: string;
}

/** Read one board model: its header validated, its SQL checked for unknown parameters. */
export function readBoardModel(file: string): PublishedTable {
  const name = path.basename(file).replace(/\.sql$/, "");
  const where = path.relative(process.cwd(), file);
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`${where}: a board model's name is lower-case letters, digits and _ (it names a file on the site)`);
  const lines = readFileSync(file, "utf8").split("\n");
  const header: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length; i++) {
    const m = /^--\s*([a-z_]+):\s*(.*)$/.exec(lines[i]!);
    if (!m) break;
    if (m[1]! in header) throw new Error(`${where}: the header says '${m[1]}' twice`);
    header[m[1]!] = m[2]!;
  }
  const parsed = BoardHeader.safeParse(header);
  if (!parsed.success) throw new Error(formatZodError(`${where}'s header (the first lines, '-- audience: ...', '-- shard_only: ...', '-- about: ...', optionally '-- periods: published')`, parsed.error));
  const sql = lines.slice(i).join("\n").trim();
  if (!sql) throw new Error(`${where}: no SELECT after the header`);
  const unknown = [...new Set([...sql.matchAll(/\$[a-z_]+/g)].map((m) => m[0]))].filter((p) => !(BOARD_PARAMETERS as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`${where}: unknown parameter${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; a board model may use ${BOARD_PARAMETERS.join(", ")}`);
  // a trailing comment cannot swallow what publish writes after the SELECT (`COPY (<sql>\n) TO ...`)
  return {
    name,
    audience: parsed.data.audience,
    about: parsed.data.about,
    sql: `${sql}\n`,
    shardOnly: parsed.data.shard_only || undefined,
    publishedOnly: parsed.data.periods === "published" || undefined,
    file,
  };
}

/** Every board model in `dir`, by file name. */
export function readBoardModels(dir = BOARDS_DIR): PublishedTable[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => readBoardModel(path.join(dir, f)));
}

/**
 * The named-data rule (the methodology board's "Who sees what"): the management build names agents in every period;
 * the staff build, which everyone in the department reads, only in periods published for objection (公示,
 * provisional or final). The per-agent board models keep only these periods, so the staff build's files hold no
 * agent's result for a period before its publication; aggregates (teams, department, grades) are not affected.
 */
export const NAMED_PERIODS: Record<Audience, string> = {
  staff: "(select period from $period_states where scheme_id = $scheme and state in ('provisional', 'final'))",
  management: "(select period from mart.periods)",
};

/** The periods of the scheme that have a publication state (provisional, final, or reopened). */
export const PUBLISHED_PERIODS = "(select period from $period_states where scheme_id = $scheme)";

export const PUBLISHED_TABLES: PublishedTable[] = readBoardModels();

/** The tables that a build for `audience` may contain: staff tables always, management tables only for management. */
export function tablesFor(audience: Audience): PublishedTable[] {
  return PUBLISHED_TABLES.filter((t) => audience === "management" || t.audience === "staff");
}
