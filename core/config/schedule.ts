/**
 * Config of the schedule (`schedule:`) and of publishing the site (`publish:`).
 */
import cron from "node-cron";
import { z } from "zod";

export const JobTask = z.enum(["ingest", "run", "pipeline", "publish", "remind", "notify"]);
export type JobTask = z.infer<typeof JobTask>;

export const Job = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_-]*$/, "use lower-case letters, digits, - and _"),
    /** a cron expression (5 fields, or 6 with seconds), in the schedule's time zone */
    cron: z.string().superRefine((expr, ctx) => {
      const v = cron.validateDetailed(expr);
      if (!v.valid) ctx.addIssue({ code: "custom", message: `not a cron expression: ${v.errors.map((e) => `${e.field}: ${e.message}`).join("; ")}` });
    }),
    /** ingest: load the sources; run: score; pipeline: both; publish: rebuild and publish the site; remind: say when a period is ready to publish;
     *  notify: send the notifications the warehouse's events call for (notifications:) */
    task: JobTask,
  })
  .strict();
export type Job = z.infer<typeof Job>;

export const Schedule = z
  .object({
    /** default: the department's time zone */
    timezone: z.string().optional(),
    /** after a successful run or pipeline job, rebuild and publish the site (needs publish:) */
    publish_after_run: z.boolean().default(true),
    jobs: z.array(Job).min(1),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.jobs.forEach((j, i) => {
      if (seen.has(j.name)) ctx.addIssue({ code: "custom", path: ["jobs", i, "name"], message: `job name '${j.name}' is used twice` });
      seen.add(j.name);
    });
  });
export type Schedule = z.infer<typeof Schedule>;

export const Publish = z
  .object({
    /** the build: a shell command run in the project folder (the boards: "npm run build") */
    command: z.string().min(1),
    /** where the build writes the site, relative to the project folder */
    output: z.string().min(1).default("dist"),
    /** the published directory readers are served from; replaced atomically */
    target: z.string().min(1),
    /** how many earlier sites to keep beside the target, for a quick rollback */
    keep: z.int().min(1).max(20).default(2),
    timeout_seconds: z.int().min(1).max(7200).default(900),
  })
  .strict();
export type Publish = z.infer<typeof Publish>;
