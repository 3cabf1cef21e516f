/**
 * `appraisal mapping init` drafts a mapping from an export's header and first rows; `appraisal mapping check`
 * dry-runs a mapping on the first rows of an export (in memory: nothing is written to the warehouse).
 */
import { existsSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { z } from "zod";
import { resolvePath } from "../../core/config/app.ts";
import { TABLE_NAMES } from "../../core/contracts/tables.ts";
import { formatZodError } from "../../core/messages.ts";
import type { RulesDeps } from "./deps.ts";

const say = (line: string) => process.stderr.write(`${line}\n`);

const InitOpts = z.object({
  file: z.string().min(1),
  table: z.enum(TABLE_NAMES as [string, ...string[]]),
  format: z.enum(["csv", "tsv", "json", "ndjson", "parquet"]).optional(),
  out: z.string().optional(),
  force: z.boolean().optional(),
  rows: z.coerce.number().int().min(1).max(100_000).default(200),
});

const CheckOpts = z.object({
  file: z.string().min(1),
  mapping: z.string().min(1),
  rows: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  roster: z.string().optional(),
  rosterMapping: z.string().default("canonical/agents"),
  json: z.boolean().optional(),
});

export function addMappingCommands(program: Command, deps: Pick<RulesDeps, "config" | "fail">): void {
  const parse = <T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> => {
    const r = schema.safeParse(value);
    if (!r.success) throw deps.fail(formatZodError(where, r.error));
    return r.data;
  };
  const mapping = program.command("mapping").description("map your own exports: draft a mapping from an export (init), dry-run it (check)");

  mapping
    .command("init")
    .description("draft a mapping from an export's header and first rows; says which canonical fields it could not place")
    .requiredOption("--file <path>", "the export file (CSV, TSV, JSON, NDJSON or Parquet)")
    .requiredOption("--table <table>", `the canonical table it feeds: ${TABLE_NAMES.join(", ")}`)
    .option("--format <format>", "csv, tsv, json, ndjson or parquet (default: from the file name)")
    .option("--out <file>", "write the draft here (default: print it)")
    .option("--force", "overwrite --out if it exists")
    .option("--rows <n>", "rows sampled for formats and values", "200")
    .action(async (opts, cmd) => {
      const cfg = deps.config(cmd);
      const o = parse(InitOpts, opts, "mapping init options");
      if (!existsSync(o.file)) throw deps.fail(`${o.file} does not exist`);
      if (o.out && existsSync(o.out) && !o.force) throw deps.fail(`${o.out} exists; pass --force to overwrite it, or choose another --out`);
      // loaded when used, so that every other command starts as fast as before
      const { initMapping } = await import("../../data-loaders/mappings/init.ts");
      const r = await initMapping({ file: o.file, table: o.table, format: o.format, timezone: cfg.timezone, rows: o.rows });
      say(
        r.product
          ? `recognised: the shipped mapping '${r.product.mapping}' (${r.product.present} of its ${r.product.of} columns are in the file)`
          : `no shipped mapping matches this header; ${r.placed.length} field(s) placed by their column names`,
      );
      say(`file: ${r.sample.encoding}, ${r.sample.columns.length} columns${r.sample.skipLines ? `, header on line ${r.sample.skipLines + 1}` : ""}, ${r.sample.rows.length} row(s) sampled`);
      for (const p of r.placed) say(`  ${p.field.padEnd(20)} <- ${p.from}`);
      const required = r.unplaced.filter((u) => u.required);
      if (r.unplaced.length) say(`could not place: ${r.unplaced.map((u) => u.field).join(", ")}`);
      if (required.length) say(`REQUIRED and not placed: ${required.map((u) => u.field).join(", ")}: add a column (or const:) for each before loading`);
      for (const n of r.notes) say(`note: ${n}`);
      if (o.out) {
        writeFileSync(o.out, r.yaml);
        say(`draft written to ${o.out}; next: appraisal mapping check --file ${o.file} --mapping ${o.out}`);
      } else process.stdout.write(r.yaml);
    });

  mapping
    .command("check")
    .description("dry-run a mapping on the first rows of an export: per field the values before and after, and the rows that would be quarantined and why; writes nothing")
    .requiredOption("--file <path>", "the export file")
    .requiredOption("--mapping <name>", "a mapping name under data-loaders/mappings or a .yaml path")
    .option("--rows <n>", "how many rows to try", "1000")
    .option("--roster <file>", "the roster to match agents against (default: the agents in force in the configured warehouse, read only)")
    .option("--roster-mapping <name>", "the roster file's mapping", "canonical/agents")
    .option("--json", "machine-readable output")
    .action(async (opts, cmd) => {
      const cfg = deps.config(cmd);
      const o = parse(CheckOpts, opts, "mapping check options");
      if (!existsSync(o.file)) throw deps.fail(`${o.file} does not exist`);
      const { checkMapping, formatCheck } = await import("../../data-loaders/mappings/check.ts");
      const { loadMapping } = await import("../../data-loaders/mappings/schema.ts");
      let m: ReturnType<typeof loadMapping>;
      try {
        m = loadMapping(o.mapping);
      } catch (e) {
        throw deps.fail((e as Error).message);
      }
      const roster = o.roster ? { file: o.roster, mapping: loadMapping(o.rosterMapping) } : { warehouse: resolvePath(cfg, cfg.warehouse) };
      const r = await checkMapping({ file: o.file, mapping: m, timezone: cfg.timezone, rows: o.rows, roster });
      process.stdout.write(`${o.json ? JSON.stringify(r, null, 2) : formatCheck(r)}\n`);
      if (r.fileError || r.unmapped.some((u) => u.required)) process.exitCode = 1;
    });
}
