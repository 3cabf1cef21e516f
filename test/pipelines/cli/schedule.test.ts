/**
 * `appraisal schedule` as a process: jobs fire, SIGTERM stops it after the job in flight, and
 * `appraisal status` shows the last runs and the next ones.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, sleep } from "../../helpers/cli.ts";
import { writeRoster } from "../../helpers/sources.ts";
import { tempDir, TZ } from "../../helpers/warehouse.ts";

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe("appraisal schedule", () => {
  it("fires jobs, stops cleanly on SIGTERM, and status shows the last and next runs", { timeout: 60_000 }, async () => {
    writeRoster(dir);
    const config = path.join(dir, "appraisal.config.yaml");
    writeFileSync(
      config,
      YAML.stringify({
        warehouse: "wh.duckdb",
        timezone: TZ,
        sources: [{ name: "roster", path: "roster.csv", mapping: "canonical/agents" }],
        schedule: {
          jobs: [
            { name: "every-2s", cron: "*/2 * * * * *", task: "ingest" },
            { name: "month-end", cron: "0 9 1 * *", task: "remind" },
          ],
        },
      }),
    );
    const child = runCli(["--config", config, "schedule"]);
    for (let i = 0; i < 300 && !/every-2s finished/.test(child.output()); i++) await sleep(50);
    expect(child.output()).toMatch(/schedule: every-2s \(ingest, '\*\/2 \* \* \* \* \*'\) next at/);
    child.proc.kill("SIGTERM");
    const exit = await child.exited;
    expect(exit.code, child.output()).toBe(0);
    expect(child.output()).toMatch(/SIGTERM: finishing the transaction in flight/);
    expect(child.output()).toMatch(/schedule: stopped/);

    const status = runCli(["--config", config, "status"]);
    expect((await status.exited).code, status.output()).toBe(0);
    expect(status.output()).toMatch(/#\d+ ingest \(every-2s\) .* ok, 8 rows/);
    expect(status.output()).toMatch(/Next runs:\n\s+every-2s\s+ingest\s+'\*\/2 \* \* \* \* \*'\s+next 20\d\d-/);
    expect(status.output()).toMatch(/month-end\s+remind\s+'0 9 1 \* \*'\s+next 20\d\d-\d\d-(01T01|\d\dT01):00:00.000Z/);

    const once = runCli(["--config", config, "schedule", "--run-now", "month-end"]);
    expect((await once.exited).code, once.output()).toBe(0);
    expect(once.output()).toMatch(/no newly completed period to publish/);
    const unknown = runCli(["--config", config, "schedule", "--run-now", "nope"]);
    expect((await unknown.exited).code).toBe(1);
    expect(unknown.output()).toMatch(/no job 'nope'; the jobs are every-2s, month-end/);
  });
});
