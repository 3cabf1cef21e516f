/**
 * Commands for the proof of published numbers: `appraisal verify` rebuilds a published period and compares it with
 * its manifest; `appraisal manifest` prints the manifest.
 */
import type { Command } from "commander";
import { z } from "zod";
import { formatZodError } from "../../core/messages.ts";
import { PeriodLabel } from "../../core/periods.ts";
import { loadManifest } from "../proof/manifest.ts";
import { formatVerifyReport, VerifyError, verifyPeriod } from "../proof/verify.ts";
import type { RulesDeps } from "./deps.ts";

const Options = z.object({
  period: PeriodLabel,
  scheme: z.string().min(1).optional(),
  revision: z.coerce.number().int().positive().optional(),
  json: z.boolean().optional(),
});

const out = (s: string) => process.stdout.write(`${s}\n`);

export function addProofCommands(program: Command, deps: RulesDeps): void {
  const options = (opts: unknown) => {
    const r = Options.safeParse(opts);
    if (!r.success) throw deps.fail(formatZodError("options", r.error));
    return r.data;
  };

  program
    .command("verify")
    .description("rebuild a published period from the warehouse and compare it with its manifest; name every table, input and agent that differs")
    .requiredOption("--period <period>", "the published period: 2026-09, 2026-Q3 or 2026")
    .option("--scheme <id>", "scheme (default: the primary scheme)")
    .option("--revision <n>", "a publication revision (default: the latest)")
    .option("--json", "machine-readable report")
    .action(async (opts, cmd) => {
      const o = options(opts);
      const cfg = deps.config(cmd);
      const report = await deps.locked(cfg, cmd, "verify", async () => {
        const wh = await deps.open(cfg);
        try {
          return await verifyPeriod(wh, { scheme: o.scheme ?? cfg.primary_scheme, period: o.period, revision: o.revision });
        } catch (e) {
          if (e instanceof VerifyError) throw deps.fail(e.message);
          throw e;
        } finally {
          wh.close();
        }
      });
      out(o.json ? JSON.stringify(report, null, 2) : formatVerifyReport(report));
      if (!report.ok) process.exitCode = 1;
    });

  program
    .command("manifest")
    .description("print the manifest of a published period: scheme versions, input batches and their hashes, row counts, table hashes")
    .requiredOption("--period <period>", "the published period")
    .option("--scheme <id>", "scheme (default: the primary scheme)")
    .option("--revision <n>", "a publication revision (default: the latest)")
    .action(async (opts, cmd) => {
      const o = options(opts);
      const cfg = deps.config(cmd);
      const wh = await deps.open(cfg, true);
      try {
        const scheme = o.scheme ?? cfg.primary_scheme;
        const m = await loadManifest(wh, scheme, o.period, o.revision);
        if (!m) throw deps.fail(`${o.period} of ${scheme} has no manifest${o.revision ? ` for revision ${o.revision}` : ""}: publish it first (appraisal publish --period ${o.period} --provisional)`);
        out(JSON.stringify({ sha256: m.sha256, ...m.manifest }, null, 2));
      } finally {
        wh.close();
      }
    });
}
