/**
 * The site commands: publish a snapshot, build the boards from it, preview them live, serve a build.
 * `appraisal run` publishes the staff snapshot when it finishes; `build` publishes again only when the snapshot
 * is missing or older than the warehouse's last run or last recorded act (a publication, an appeal), or is of another
 * audience, language or format.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { type AppConfig, resolvePath } from "../../core/config/app.ts";
import { Warehouse } from "../../core/db/warehouse.ts";
import { publishedRoot, publishWith } from "../publish/for-config.ts";
import { auditSeq, currentSnapshot, latestRun, readManifest, SNAPSHOT_FORMAT } from "../publish/publish.ts";
import { formatSteps } from "../publish/steps.ts";
import { AUDIENCES, type Audience } from "../publish/tables.ts";
import { buildSite, bundleVendor, frameworkEnv, PROJECT, pinFrameworkNpmVersions } from "../site/build.ts";
import { serveDir } from "../site/serve.ts";

export const Audience_ = z.enum(AUDIENCES, { message: `expected one of ${AUDIENCES.join(", ")}` });

export { publishedRoot, publishWith } from "../publish/for-config.ts";

/** The default output folder of a build: dist/ for staff, dist-<audience>/ for the others. */
export function defaultOut(cfg: AppConfig, audience: Audience): string {
  return resolvePath(cfg, audience === "staff" ? "dist" : `dist-${audience}`);
}

/**
 * A snapshot for `audience` that matches the warehouse: publish when there is none, when it is older than the
 * last run, or when its language, scheme or format differs. When another process holds the warehouse (an
 * ingest), use the snapshot there is and say so.
 */
export async function ensureSnapshot(cfg: AppConfig, audience: Audience, force = false): Promise<string> {
  const existing = currentSnapshot(publishedRoot(cfg), audience);
  const file = resolvePath(cfg, cfg.warehouse);
  if (!existsSync(file)) {
    if (existing) return existing;
    throw new Error(`no warehouse at ${file} and nothing published yet: run 'npm run pipeline' first`);
  }
  let wh: Warehouse;
  try {
    wh = await Warehouse.open(file, { timezone: cfg.timezone, readOnly: true });
  } catch (e) {
    if (existing) {
      process.stderr.write(`the warehouse is busy (${(e as Error).message.split("\n")[0]}); building from the last snapshot ${existing}\n`);
      return existing;
    }
    throw e;
  }
  try {
    if (existing && !force) {
      const m = readManifest(existing);
      const run = await latestRun(wh);
      const fresh = m.run.run_id === (run?.run_id ?? null) && (m.audit_seq ?? -1) === (await auditSeq(wh));
      const sameAppeals = JSON.stringify(m.appeals ?? null) === JSON.stringify(cfg.appeals ?? null);
      if (m.format === SNAPSHOT_FORMAT && fresh && m.language === cfg.language && m.scheme.id === cfg.primary_scheme && sameAppeals)
        return existing;
    }
    return (await publishWith(wh, cfg, audience)).dir;
  } finally {
    wh.close();
  }
}

export const Language_ = z.enum(["en", "zh-CN"], { message: "expected en or zh-CN" });

export async function doBuild(
  cfg: AppConfig,
  opts: { audience: Audience; out?: string; publish?: boolean; verbose?: boolean; language?: AppConfig["language"] },
) {
  // --language overrides the config's language for this build (the snapshot is published again in that language)
  if (opts.language) cfg = { ...cfg, language: opts.language };
  const snapshot = await ensureSnapshot(cfg, opts.audience, opts.publish);
  const out = opts.out ? path.resolve(opts.out) : defaultOut(cfg, opts.audience);
  const r = await buildSite({ snapshot, out, verbose: opts.verbose, current: () => currentSnapshot(publishedRoot(cfg), opts.audience) });
  process.stderr.write(`built the ${opts.audience} boards in ${r.seconds.toFixed(1)} s: ${r.files} files, ${(r.bytes / 1024 / 1024).toFixed(1)} MiB in ${r.out}\n`);
  return r;
}

/** Serve a built folder and keep serving until the process is stopped. */
export async function serveForever(dir: string, port: number): Promise<void> {
  const site = await serveDir(dir, port);
  process.stdout.write(`\nThe boards are served at ${site.url}  (Ctrl+C stops)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      site.close().then(resolve);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

const intFlag = z.coerce.number().int().min(0).max(65535);

export function registerSiteCommands(program: Command, config: (cmd: Command) => AppConfig, parse: <T extends z.ZodType>(s: T, v: unknown, where: string) => z.infer<T>) {
  program
    .command("snapshot")
    .description("write the published snapshot the boards are built from (Parquet tables and per-agent/per-period files)")
    .option("--audience <audience>", `who the snapshot is for: ${AUDIENCES.join(" | ")}`, "staff")
    .option("--profile", "print where the time went: the slowest steps (each table's COPY, the overlay, each shard query, the file writes)")
    .action(async (opts, cmd) => {
      const cfg = config(cmd);
      const o = parse(z.object({ audience: Audience_, profile: z.boolean().optional() }), opts, "snapshot options");
      const file = resolvePath(cfg, cfg.warehouse);
      if (!existsSync(file)) throw new Error(`no warehouse at ${file}: run 'npm run pipeline' first`);
      const wh = await Warehouse.open(file, { timezone: cfg.timezone, readOnly: true });
      try {
        const r = await publishWith(wh, cfg, o.audience);
        if (o.profile) process.stdout.write(`${formatSteps(r.steps, r.seconds, r.files)}\n`);
      } finally {
        wh.close();
      }
    });

  program
    .command("build")
    .description("build the boards (a static site) from the published snapshot, without serving; publishes first if needed")
    .option("--audience <audience>", `who the site is for: ${AUDIENCES.join(" | ")} (management adds management-only tables)`, "staff")
    .option("--out <dir>", "output folder (default dist/ for staff, dist-management/ for management)")
    .option("--language <lang>", "the boards' language: en | zh-CN (default: language in the config)")
    .option("--publish", "publish a new snapshot even if the last one is current")
    .option("--verbose", "show Framework's build log")
    .action(async (opts, cmd) => {
      const cfg = config(cmd);
      const o = parse(
        z.object({
          audience: Audience_,
          out: z.string().optional(),
          language: Language_.optional(),
          publish: z.boolean().optional(),
          verbose: z.boolean().optional(),
        }),
        opts,
        "build options",
      );
      await doBuild(cfg, o);
    });

  program
    .command("serve")
    .description("serve a built site on 127.0.0.1")
    .option("--dir <dir>", "the built folder (default dist/)")
    .option("--port <n>", "port (default 4321; the next free one if busy)", "4321")
    .action(async (opts, cmd) => {
      const cfg = config(cmd);
      const o = parse(z.object({ dir: z.string().optional(), port: intFlag }), opts, "serve options");
      await serveForever(o.dir ? path.resolve(o.dir) : defaultOut(cfg, "staff"), o.port);
    });

  program
    .command("dev")
    .description("Framework's live preview of the boards (edits to src/ reload the page)")
    .option("--audience <audience>", `snapshot to preview: ${AUDIENCES.join(" | ")}`, "staff")
    .option("--port <n>", "port (default 3000)", "3000")
    .action(async (opts, cmd) => {
      const cfg = config(cmd);
      const o = parse(z.object({ audience: Audience_, port: intFlag }), opts, "dev options");
      const snapshot = await ensureSnapshot(cfg, o.audience);
      await bundleVendor();
      pinFrameworkNpmVersions();
      const bin = path.join(PROJECT, "node_modules", "@observablehq", "framework", "dist", "bin", "observable.js");
      const child = spawn(process.execPath, [bin, "preview", "--host", "127.0.0.1", "--port", String(o.port), "--no-open"], {
        cwd: PROJECT,
        env: frameworkEnv(snapshot),
        stdio: "inherit",
      });
      const forward = (signal: NodeJS.Signals) => child.kill(signal);
      process.on("SIGINT", forward);
      process.on("SIGTERM", forward);
      await new Promise<void>((resolve) => child.on("close", () => resolve()));
    });
}
