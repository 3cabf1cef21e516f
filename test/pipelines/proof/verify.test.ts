/**
 * The proof of a published period: publication writes a manifest (scheme versions, input batches, row counts, table
 * hashes) whose hash the audit log carries; verify rebuilds the period and finds it identical; one changed input row
 * makes verify fail and name the input batch, the tables and the agent that changed.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadManifest } from "../../../pipelines/proof/manifest.ts";
import { VerifyError, verifyPeriod } from "../../../pipelines/proof/verify.ts";
import { publish } from "../../../pipelines/rules/lifecycle.ts";
import { buildDepartment, type Department } from "../../helpers/department.ts";
import { publishableQueues } from "../../helpers/queues.ts";
import { TZ } from "../../helpers/warehouse.ts";

const SCHEMES = path.join(import.meta.dirname, "..", "..", "fixtures", "workload", "scheme");
const AT = new Date("2026-04-10T02:00:00Z");

let d: Department;
beforeAll(async () => {
  d = await buildDepartment(publishableQueues(60), SCHEMES);
  await publish({ wh: d.wh, timezone: TZ, asOf: AT, actor: "hr" }, "mix-speed", "2026-Q1", "provisional");
});
afterAll(() => d?.done());

describe("the manifest of a published period", () => {
  it("names the scheme version, every input batch with its hashes, the row counts and every published table's hash", async () => {
    const stored = (await loadManifest(d.wh, "mix-speed", "2026-Q1"))!;
    const m = stored.manifest;
    expect(m.scheme).toMatchObject({ id: "mix-speed", version: "1", uncertainty: { replicates: 200, seed: 11, level: 0.95, period_types: ["quarter"] } });
    expect(m.scheme.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.period).toEqual({ period: "2026-Q1", period_type: "quarter", start_date: "2026-01-01", end_date: "2026-04-01" });
    expect(m.publication).toMatchObject({ revision: 1, state: "provisional", published_at: AT.toISOString() });
    expect(m.inputs.map((i) => [i.table, i.rows])).toEqual([
      ["raw.agents", 4],
      ["raw.tickets", 241],
    ]);
    for (const i of m.inputs) expect([i.file_sha256, i.sha256]).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/), expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(m.row_counts).toEqual({ "raw.agents": 4, "raw.tickets": 241 });
    expect(m.tables["mart.rankings"]?.rows).toBe(4);
    expect(m.tables["mart.rank_intervals"]?.rows).toBe(4);
    expect(m.tables["mart.indicator_inputs"]?.rows).toBe(240);
    expect(Object.keys(m.tables).length).toBeGreaterThan(25);
    // the hash of the manifest is in the publish entry of the audit log
    const logged = await d.wh.value<string>("SELECT detail->>'manifest_sha256' FROM meta.audit_log WHERE action = 'publish'");
    expect(logged).toBe(stored.sha256);
  });

  it("is verified by a rebuild of the period, bit for bit", async () => {
    const r = await verifyPeriod(d.wh, { scheme: "mix-speed", period: "2026-Q1" });
    expect(r.differences).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.checked).toMatchObject({ inputs: 2, agents: 4 });
    expect(r.checked.tables).toBeGreaterThan(25);
    expect(await d.wh.value("SELECT count(*) FROM information_schema.schemata WHERE starts_with(schema_name, 'verify_')")).toBe(0);
  });

  it("says when a period was never published", async () => {
    await expect(verifyPeriod(d.wh, { scheme: "mix-speed", period: "2026-01" })).rejects.toThrow(VerifyError);
    await expect(verifyPeriod(d.wh, { scheme: "mix-speed", period: "2026-01" })).rejects.toThrow(/has not been published/);
  });
});

describe("one changed input row", () => {
  it("makes verify fail and name the input batch, the tables and the agent that changed", async () => {
    await d.wh.run("UPDATE raw.tickets SET resolved_at = resolved_at + INTERVAL 5 HOUR WHERE ticket_id = 'HARD-1' AND _current");
    const r = await verifyPeriod(d.wh, { scheme: "mix-speed", period: "2026-Q1" });
    expect(r.ok).toBe(false);
    const named = (kind: string) => r.differences.filter((x) => x.kind === kind).map((x) => x.name);
    expect(named("input")).toEqual(["raw.tickets"]);
    expect(r.differences.find((x) => x.kind === "input")?.detail).toMatch(/^raw\.tickets, batch #\d+ \(.*tickets\.csv\): 241 rows, sha256 \w{12} at publication, now 241 rows, sha256 \w{12}$/);
    expect(named("table")).toEqual(expect.arrayContaining(["mart.agent_metrics", "mart.ticket_periods", "mart.workload_expectations", "mart.rankings"]));
    expect(named("agent")).toContain("HARD");
    expect(named("code")).toEqual([]);
    const recorded = await d.wh.all<{ ok: boolean }>("SELECT ok FROM meta.verifications ORDER BY verified_at, ok DESC");
    expect(recorded.map((x) => x.ok)).toEqual([true, false]);
    await d.wh.run("UPDATE raw.tickets SET resolved_at = resolved_at - INTERVAL 5 HOUR WHERE ticket_id = 'HARD-1' AND _current");
    expect((await verifyPeriod(d.wh, { scheme: "mix-speed", period: "2026-Q1" })).ok).toBe(true);
  });

  it("and an edited manifest is caught by its hash and the audit log", async () => {
    await d.wh.run("UPDATE meta.manifests SET manifest = json_merge_patch(manifest, '{\"row_counts\": {\"raw.tickets\": 240}}')");
    const r = await verifyPeriod(d.wh, { scheme: "mix-speed", period: "2026-Q1" });
    expect(r.differences.filter((x) => x.kind === "manifest").map((x) => x.name)).toEqual(["meta.manifests"]);
  });
});
