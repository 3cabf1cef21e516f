/**
 * The application config: where the warehouse lives, which time zone defines a period, which sources feed
 * the warehouse and with which mapping. `appraisal.config.yaml` at the project root overrides the embedded
 * default, which is the generated demo department.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { z } from "zod";
import { DEFAULT_KEY_ENV, setAuditKeyEnv } from "../audit.ts";
import { BusinessHours } from "../calendar/config.ts";
import { formatZodError } from "../messages.ts";
import { ApiSource } from "./api-sources.ts";
import { DropFolder } from "./drop-folder.ts";
import { Notifications } from "./notifications.ts";
import { Publish, Schedule } from "./schedule.ts";
import { TimeZone } from "./zone.ts";

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "..", "..");

export { TimeZone };

/** A file with a larger share of its rows quarantined blocks the periods it covers (publication_checks, pipelines/rules/blockers.ts). */
export const DEFAULT_MAX_QUARANTINED_SHARE = 0.05;

const MonthLabel = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "expected a month like 2026-10");

/** One file source: a path or glob of export files and the mapping that reads them. */
export const FileSource = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_-]*$/, "use lower-case letters, digits, - and _"),
  /** a path or a glob (`*` in the file name only), relative to the config file */
  path: z.string().min(1),
  /** a mapping name under data-loaders/mappings (without .yaml) or a path to a mapping file */
  mapping: z.string().min(1),
});
export type FileSource = z.infer<typeof FileSource>;

export const DemoSettings = z.object({
  out: z.string().default("demo-data"),
  seed: z.int().default(42),
  agents: z.int().min(5).max(100_000).default(80),
  tickets: z.int().min(100).max(100_000_000).default(120_000),
  months: z.int().min(3).max(120).default(24),
  end_month: MonthLabel.default("2026-10"),
});
export type DemoSettings = z.infer<typeof DemoSettings>;

export const AppConfig = z.object({
  /** DuckDB file of the warehouse */
  warehouse: z.string().default("warehouse/appraisal.duckdb"),
  /** the department's time zone: periods are calendar periods in it; timestamps without an offset are read in it */
  timezone: TimeZone.default("Asia/Shanghai"),
  language: z.enum(["en", "zh-CN"]).default("en"),
  /** DuckDB's memory limit for the warehouse, e.g. "3GB" (default: DuckDB's own, 80% of RAM) */
  memory_limit: z.string().regex(/^\d+(\.\d+)?\s*(MB|GB|MiB|GiB)$/i, "a size like 3GB or 512MB").optional(),
  /** a folder of scheme files (relative to the config file's folder); absent: the schemes shipped with the project */
  schemes_dir: z.string().min(1).optional(),
  /** the department's closures (days off) besides business_hours.closures: appeal windows and business hours skip them */
  holidays: z.array(z.iso.date()).default([]),
  /** working hours per team, China's public holidays with make-up days (调休), closures: business-hours metrics and
   *  the appeal windows' working days */
  business_hours: BusinessHours.default(BusinessHours.parse({})),
  /** the scheme the boards and `explain` use when none is named */
  primary_scheme: z.string().default("support-weighted"),
  /** when true (the embedded default), `appraisal pipeline` generates the demo files before ingesting */
  demo_mode: z.boolean().default(false),
  demo: DemoSettings.default(DemoSettings.parse({})),
  sources: z.array(FileSource).default([]),
  /** helpdesk APIs (Zendesk, Jira Service Management, generic JSON over HTTP), fetched incrementally */
  api_sources: z.array(ApiSource).default([]),
  /** a folder where survey exports are dropped; picked up on each ingest */
  drop_folder: DropFolder.optional(),
  /** `appraisal schedule`: cron jobs */
  schedule: Schedule.optional(),
  /** publishing the boards after a run */
  publish: Publish.optional(),
  /** how staff appeal a published result (the agent page says so): a contact (HR, a mailbox) and/or a form's address */
  appeals: z
    .object({
      contact: z.string().min(1).max(200).optional(),
      form_url: z.url({ protocol: /^https?$/, message: "an http(s) address of the appeal form" }).optional(),
    })
    .optional(),
  /** telling people: WeCom, DingTalk, Feishu/Lark, Slack, email (pipelines/notify) */
  notifications: Notifications.optional(),
  /** what must hold before a period is published (pipelines/rules/blockers.ts) */
  publication_checks: z
    .object({
      /** a file with a larger share of its rows quarantined blocks the periods it covers (0-1) */
      max_quarantined_share: z.number().min(0).max(1).default(DEFAULT_MAX_QUARANTINED_SHARE),
    })
    .default({ max_quarantined_share: DEFAULT_MAX_QUARANTINED_SHARE }),
  /** the audit log's key: the name of the environment variable that holds it (the key itself is never in a file) */
  audit: z
    .object({ key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name, like APPRAISAL_AUDIT_KEY").default(DEFAULT_KEY_ENV) })
    .default({ key_env: DEFAULT_KEY_ENV }),
}).superRefine((c, ctx) => {
  const names = new Set<string>();
  for (const [list, items] of [["sources", c.sources], ["api_sources", c.api_sources]] as const) {
    items.forEach((s, i) => {
      if (names.has(s.name)) ctx.addIssue({ code: "custom", path: [list, i, "name"], message: `source name '${s.name}' is used twice` });
      names.add(s.name);
    });
  }
  if (c.schedule?.jobs.some((j) => j.task === "publish") && !c.publish)
    ctx.addIssue({ code: "custom", path: ["schedule"], message: "a publish job needs a publish: section (command, output, target)" });
});
export type AppConfig = z.infer<typeof AppConfig> & { baseDir: string; file: string | null };

/** What ingest needs of the config: the source lists, the folder their paths are relative to, the time zone. */
export type SourceLists = Pick<AppConfig, "baseDir" | "timezone" | "sources" | "api_sources" | "drop_folder">;

/** The embedded default: the demo department generated into ./demo-data and read through the demo mappings. */
export const DEMO_SOURCES: FileSource[] = [
  { name: "roster", path: "demo-data/hr/roster.csv", mapping: "demo/roster" },
  { name: "roster-changes", path: "demo-data/hr/roster-changes.csv", mapping: "demo/roster-changes" },
  { name: "tickets", path: "demo-data/helpdesk/tickets-*.csv", mapping: "demo/tickets" },
  { name: "csat", path: "demo-data/survey/csat-*.ndjson", mapping: "demo/csat" },
  { name: "reviews-360", path: "demo-data/survey/review360-*.csv", mapping: "demo/reviews-360" },
  { name: "collab-survey", path: "demo-data/survey/collab-*.csv", mapping: "demo/collab-survey" },
  { name: "trainings", path: "demo-data/lms/trainings.json", mapping: "demo/trainings" },
  { name: "certifications", path: "demo-data/lms/certifications.csv", mapping: "demo/certifications" },
  { name: "contributions", path: "demo-data/ideas/contributions.ndjson", mapping: "demo/contributions" },
  { name: "quality-audits", path: "demo-data/qa/quality-audits.parquet", mapping: "demo/quality-audits" },
  { name: "opinion-survey", path: "demo-data/survey/opinion-*.csv", mapping: "surveys/wenjuanxing-opinion" },
];

export const DEFAULT_CONFIG_FILE = "appraisal.config.yaml";

/** Load the config: an explicit file, else ./appraisal.config.yaml, else the embedded demo default. */
export function loadConfig(file?: string, cwd = process.cwd()): AppConfig {
  const candidate = file ?? path.join(cwd, DEFAULT_CONFIG_FILE);
  if (file && !existsSync(file)) {
    throw new Error(`config file ${file} does not exist; pass an existing file to --config or omit it to use the demo`);
  }
  if (!existsSync(candidate)) {
    const parsed = AppConfig.parse({ demo_mode: true, sources: DEMO_SOURCES });
    setAuditKeyEnv(parsed.audit.key_env);
    return { ...parsed, baseDir: cwd, file: null };
  }
  let raw: unknown;
  try {
    raw = YAML.parse(readFileSync(candidate, "utf8")) ?? {};
  } catch (e) {
    throw new Error(`${candidate} is not valid YAML: ${(e as Error).message}`);
  }
  const parsed = AppConfig.safeParse(demoUnlessSourced(raw));
  if (!parsed.success) throw new Error(formatZodError(candidate, parsed.error));
  setAuditKeyEnv(parsed.data.audit.key_env);
  return { ...parsed.data, baseDir: path.dirname(path.resolve(candidate)), file: path.resolve(candidate) };
}

/**
 * A config file that configures no source at all (no sources, api_sources or drop_folder) and does not turn the
 * demo off (demo_mode: false) keeps the demo department: a file with only `language: zh-CN` shows the demo in
 * Chinese rather than "no sources are configured".
 */
function demoUnlessSourced(raw: unknown): unknown {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const r = raw as Record<string, unknown>;
  if ("sources" in r || "api_sources" in r || "drop_folder" in r || r.demo_mode === false) return raw;
  return { ...r, demo_mode: true, sources: DEMO_SOURCES };
}

/** A path from the config: relative paths are relative to the config file's folder (the working folder for the demo). */
export function resolvePath(config: Pick<AppConfig, "baseDir">, p: string): string {
  return path.isAbsolute(p) ? p : path.join(config.baseDir, p);
}

/** The schemes shipped with the project (schemes/ beside package.json), found wherever the config lives. */
export const SHIPPED_SCHEMES = path.join(PROJECT_ROOT, "schemes");

/** The schemes folder in force: the config's schemes_dir (relative to the config's folder), else the shipped schemes. */
export function schemesDir(config: Pick<AppConfig, "baseDir" | "schemes_dir">): string {
  return config.schemes_dir ? resolvePath(config, config.schemes_dir) : SHIPPED_SCHEMES;
}
