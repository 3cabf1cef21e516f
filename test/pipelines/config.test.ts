/**
 * The config's new sections: existing configs stay valid; a bad API source, drop folder or schedule gets an
 * error naming the place and what to do.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config/app.ts";
import { tempDir } from "../helpers/warehouse.ts";

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const load = (yaml: string) => {
  const file = path.join(dir, "appraisal.config.yaml");
  writeFileSync(file, yaml);
  return () => loadConfig(file);
};

describe("config", () => {
  it("keeps a config without the new sections valid", () => {
    const cfg = load("sources:\n  - { name: csat, path: x.csv, mapping: canonical/csat }\n")();
    expect(cfg.api_sources).toEqual([]);
    expect(cfg.schedule).toBeUndefined();
  });

  it("keeps the demo department when a config file only sets the language (no source configured)", () => {
    const cfg = load("language: zh-CN\n")();
    expect(cfg.language).toBe("zh-CN");
    expect(cfg.demo_mode).toBe(true);
    expect(cfg.sources.map((s) => s.name)).toContain("tickets");
    // configuring a source, or turning the demo off, means the file's own sources
    expect(load("language: zh-CN\ndemo_mode: false\n")().sources).toEqual([]);
    const own = load("language: zh-CN\nsources:\n  - { name: csat, path: x.csv, mapping: canonical/csat }\n")();
    expect([own.demo_mode, own.sources.map((s) => s.name)]).toEqual([false, ["csat"]]);
  });

  it("reads API sources, the drop folder, the schedule and publish with their defaults", () => {
    const cfg = load(`
api_sources:
  - { kind: zendesk, name: zendesk, url: "https://acme.zendesk.com", email: ops@acme.com, token_env: ZENDESK_TOKEN }
  - { kind: jira, name: jsm, url: "https://acme.atlassian.net", email: ops@acme.com, token_env: JIRA_TOKEN, sla_fields: { time_to_resolution: customfield_10030 } }
drop_folder: { path: inbox, rules: [{ match: "问卷星*.csv", mapping: surveys/wenjuanxing-csat }] }
schedule:
  jobs:
    - { name: hourly-ingest, cron: "0 * * * *", task: ingest }
    - { name: nightly, cron: "30 2 * * *", task: pipeline }
publish: { command: npm run build, target: /srv/boards }
`)();
    expect(cfg.api_sources[0]).toMatchObject({ kind: "zendesk", streams: ["tickets", "satisfaction_ratings"], retries: 6, batch_records: 5000 });
    expect(cfg.api_sources[1]).toMatchObject({ pagination: "token", overlap_minutes: 5 });
    expect(cfg.drop_folder).toMatchObject({ done: "done", failed: "failed", settle_seconds: 30 });
    expect(cfg.publish).toMatchObject({ output: "dist", keep: 2 });
  });

  it("names the place and the fix for a secret in the config, a bad cron and a publish job without publish", () => {
    const bad = load(`
api_sources:
  - { kind: zendesk, name: zendesk, url: "https://me:pw@acme.zendesk.com", email: ops@acme.com, token_env: "abc123-secret" }
schedule:
  jobs:
    - { name: nightly, cron: "61 * * * *", task: run }
    - { name: site, cron: "0 3 * * *", task: publish }
`);
    const message = (() => {
      try {
        bad();
        return "no error";
      } catch (e) {
        return (e as Error).message.replace(dir, "<dir>");
      }
    })();
    expect(message).toMatchInlineSnapshot(`
      "<dir>/appraisal.config.yaml is not valid:
        api_sources.0.url: put no credentials in the URL; name an environment variable in token_env
        api_sources.0.token_env: name an environment variable, like ZENDESK_TOKEN (the secret itself never goes in the config)
        schedule.jobs.0.cron: not a cron expression: minute: 61 is a invalid expression for minute
        schedule: a publish job needs a publish: section (command, output, target)"
    `);
  });
});
