/**
 * Final is final (issue 10 item 1): after `publish --final`, a late export that moves an agent's tickets and a `run`
 * used to exit 0 with no warning while the rebuilt boards, still saying "Final", showed another rank 1. Now the boards
 * read the frozen revision of every published period, the run records and says what it would change ("changes
 * pending"), `status` lists it, verify checks the frozen rows against the manifest, and only reopen + publish (or,
 * during the appeal window, a new publication) lets the new figures in.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestSources } from "../../../data-loaders/ingest/ingest.ts";
import { Warehouse } from "../../../core/db/warehouse.ts";
import { verifyPeriod } from "../../../pipelines/proof/verify.ts";
import { publish as publishSnapshot } from "../../../pipelines/publish/publish.ts";
import { frozenRelations, overlay, pendingMessage } from "../../../pipelines/rules/frozen.ts";
import { publish, reopen, type RulesContext } from "../../../pipelines/rules/lifecycle.ts";
import { runModels } from "../../../pipelines/run.ts";
import { loadSchemes } from "../../../pipelines/scheme/load.ts";
import { BIN } from "../../helpers/cli.ts";
import { GOLDEN_SCHEME } from "../../helpers/department.ts";
import { csv, tempDir, testConfig, TZ, writeFile } from "../../helpers/warehouse.ts";

const run = promisify(execFile);
const HEAD = ["ticket_id", "created_at", "resolved_at", "updated_at", "status", "priority", "assignee_id"];
const AGENTS = ["A1", "A2", "A3", "A4", "A5", "A6"];
/** January: A1 resolves 12 tickets, A2 10, ... A6 2 (so A1 ranks first) */
function january(): string[][] {
  const rows: string[][] = [];
  AGENTS.forEach((a, k) => {
    for (let i = 0; i < 12 - 2 * k; i++) {
      const day = String(3 + i).padStart(2, "0");
      rows.push([`J-${a}-${i}`, `2026-01-${day} 09:00:00`, `2026-01-${day} 11:00:00`, `2026-01-${day} 11:00:00`, "resolved", "normal", a]);
    }
  });
  return [["J-0", "2026-01-01 08:00:00", "2026-01-01 09:00:00", "2026-01-01 09:00:00", "resolved", "normal", "A6"], ...rows];
}

let wh: Warehouse;
let dir: string;
let cleanup: () => void;
let cfg: ReturnType<typeof testConfig>;
let config: string;
const schemes = loadSchemes(GOLDEN_SCHEME);
const at = (iso: string): RulesContext => ({ wh, timezone: TZ, asOf: new Date(iso), actor: "hr" });
const snapshot = async (name: string) => (await publishSnapshot(wh, { root: path.join(dir, name), audience: "management", scheme: "golden", language: "en" })).dir;
const rankingsOf = (snap: string) => {
  const t = JSON.parse(readFileSync(path.join(snap, "shards", "rankings", "2026-01.json"), "utf8")).rankings as { columns: string[]; rows: unknown[][] };
  const c = (n: string) => t.columns.indexOf(n);
  return Object.fromEntries(t.rows.map((r) => [r[c("agent_id")] as string, { rank: r[c("department_rank")] as number, composite: Math.round((r[c("composite")] as number) * 100) / 100 }]));
};
const indicatorOf = (snap: string, agent: string) => {
  const s = JSON.parse(readFileSync(path.join(snap, "shards", "agents", `${agent}.json`), "utf8"));
  const cols = s.indicators.columns as string[];
  const row = (s.indicators.rows as unknown[][]).find((r) => s.dict.indicator_ids[r[cols.indexOf("i")] as number] === "resolved")!;
  return { value: row[cols.indexOf("raw_value")], inputs: row[cols.indexOf("inputs")] };
};

beforeAll(async () => {
  const t = tempDir();
  dir = t.dir;
  cleanup = t.cleanup;
  const roster = writeFile(dir, "roster.csv", csv(["agent_id", "display_name", "team", "department", "hire_date"], AGENTS.map((a) => [a, `Agent ${a}`, "T1", "Support", "2025-01-01"])));
  const tickets = writeFile(dir, "exports/2026-01.csv", csv(HEAD, [...january(), ["F-1", "2026-02-03 09:00:00", "2026-02-03 10:00:00", "2026-02-03 10:00:00", "resolved", "normal", "A1"]]));
  cfg = testConfig(dir, [
    { name: "roster", path: roster, mapping: "canonical/agents" },
    { name: "tickets", path: path.join(dir, "exports", "*.csv"), mapping: "canonical/tickets" },
  ]);
  config = writeFile(dir, "appraisal.config.yaml", `warehouse: wh.duckdb\nschemes_dir: ${GOLDEN_SCHEME}\nprimary_scheme: golden\nsources:\n  - { name: roster, path: roster.csv, mapping: canonical/agents }\n  - { name: tickets, path: exports/*.csv, mapping: canonical/tickets }\n`);
  expect(path.dirname(tickets)).toBe(path.join(dir, "exports"));
  wh = await Warehouse.open(cfg.warehouse, { timezone: TZ });
  await ingestSources(wh, cfg);
  await runModels(wh, schemes);
});
afterAll(() => {
  wh?.close();
  cleanup?.();
});

describe("a final period", () => {
  it("keeps its published figures on the boards after late data and a run, and says what would change", async () => {
    await publish(at("2026-02-02T02:00:00Z"), "golden", "2026-01", "provisional");
    await publish(at("2026-02-12T02:00:00Z"), "golden", "2026-01", "final");
    const before = await snapshot("before");
    expect(rankingsOf(before).A1!.rank).toBe(1);
    // a late export: 8 of A1's January tickets were A6's (a newer version of each ticket)
    writeFile(
      dir,
      "exports/2026-01-late.csv",
      csv(HEAD, january().filter((r) => r[6] === "A1").slice(0, 8).map((r) => [r[0]!, r[1]!, r[2]!, "2026-02-20 09:00:00", "resolved", "normal", "A6"])),
    );
    await ingestSources(wh, cfg);
    const result = await runModels(wh, schemes);
    // the live results moved: A1 is no longer first
    expect(await wh.value("SELECT department_rank FROM mart.rankings WHERE scheme_id = 'golden' AND period = '2026-01' AND agent_id = 'A1'")).toBeGreaterThan(1);
    // ...but the boards show the final revision, every figure of it
    const after = await snapshot("after");
    expect(rankingsOf(after)).toEqual(rankingsOf(before));
    expect(indicatorOf(after, "A1")).toEqual(indicatorOf(before, "A1"));
    expect(indicatorOf(after, "A1")).toEqual({ value: 12, inputs: 12 });
    const periods = JSON.parse(readFileSync(path.join(after, "site", "periods.json"), "utf8")) as { columns: string[]; rows: unknown[][] };
    const jan = periods.rows.find((r) => r[periods.columns.indexOf("period")] === "2026-01")!;
    expect(jan[periods.columns.indexOf("publication_state")]).toBe("final");
    // the run recorded what it would change, old -> new
    expect(result.pending).toHaveLength(1);
    const p = result.pending[0]!;
    expect(p).toMatchObject({ period: "2026-01", state: "final", revision: 2 });
    expect(p.examples[0]).toMatch(/^A\d rank \d -> \d$/);
    expect(await wh.value("SELECT old || ' -> ' || new FROM meta.pending_changes WHERE agent_id = 'A1' AND figure = 'indicator resolved value'")).toBe("12 -> 4");
    expect(pendingMessage(p, "golden")).toMatch(
      /^warning: 2026-01 is final: this run's results would change \d+ published figure\(s\) of \d agent\(s\) \(.*\); they are recorded as changes pending \(appraisal status\); the boards keep showing the final revision 2; to let the changes in: appraisal reopen --period 2026-01 --reason "\.\.\.", then appraisal publish --period 2026-01 --provisional$/,
    );
    // the management build lists them; the staff build counts them
    const detail = JSON.parse(readFileSync(path.join(after, "shards", "management", "pending_changes_detail.json"), "utf8"));
    expect(detail.rows.length).toBe(p.figures);
    const staff = JSON.parse(readFileSync(path.join(after, "site", "pending_changes.json"), "utf8"));
    expect(staff.columns).toEqual(["period", "state", "revision", "agents", "figures", "kinds"]);
    expect(staff.rows[0].slice(0, 5)).toEqual(["2026-01", "final", 2, p.agents, p.figures]);
  });

  it("a board model that reads published periods only (input ids) sees the same rows through the published periods' views", async () => {
    // the final revision's ids: A1 still resolved 12 tickets in January on the management board, not the live 4
    const inputs = JSON.parse(readFileSync(path.join(await snapshot("inputs"), "shards", "inputs", "A1.json"), "utf8")) as { columns: string[]; rows: unknown[][] };
    const resolved = inputs.rows.find((r) => r[inputs.columns.indexOf("period")] === "2026-01" && r[inputs.columns.indexOf("input_set")] === "resolved")!;
    expect(resolved[inputs.columns.indexOf("inputs")]).toBe(12);
    // every frozen relation: ov_x restricted to the scheme's published periods = ov_x__published, and also for a period
    // published before freezing existed (no frozen revision: its live rows)
    const compare = async () => {
      const ov = await overlay(wh, "golden");
      const out: Record<string, [number, number]> = {};
      try {
        for (const r of await frozenRelations(wh)) {
          const all = ov.rewrite(`mart.${r.name}`);
          if (all === `mart.${r.name}`) continue;
          const wide = `(SELECT * FROM ${all} WHERE ${r.periodCol} IN (SELECT period FROM meta.period_states WHERE scheme_id = 'golden')${r.hasScheme ? " AND scheme_id = 'golden'" : ""})`;
          const narrow = ov.rewrite(`mart.${r.name}`, { publishedOnly: true });
          const differ = Number(await wh.value(`SELECT count(*) FROM ((FROM ${wide} EXCEPT ALL FROM ${narrow}) UNION ALL (FROM ${narrow} EXCEPT ALL FROM ${wide}))`));
          out[r.name] = [differ, Number(await wh.value(`SELECT count(*) FROM ${narrow}`))];
        }
      } finally {
        await ov.drop();
      }
      return out;
    };
    const frozen = await compare();
    expect(Object.keys(frozen)).toEqual(expect.arrayContaining(["indicator_inputs", "rankings", "indicator_scores"]));
    for (const [name, [differ]] of Object.entries(frozen)) expect([name, differ]).toEqual([name, 0]);
    expect([frozen.rankings![1], frozen.indicator_inputs![1]].every((n) => n > 0)).toBe(true);
    await wh.run("BEGIN TRANSACTION");
    try {
      await wh.run("DELETE FROM meta.frozen_revisions WHERE scheme_id = 'golden' AND period = '2026-01'");
      const live = await compare();
      for (const [name, [differ]] of Object.entries(live)) expect([name, differ]).toEqual([name, 0]);
      expect(live.rankings![1]).toBe(frozen.rankings![1]);
    } finally {
      await wh.run("ROLLBACK");
    }
  });

  it("verify checks the frozen revision against the manifest, and names frozen rows edited after publication", async () => {
    const ok = await verifyPeriod(wh, { scheme: "golden", period: "2026-01" });
    expect(ok.checked.frozen).toBeGreaterThan(5);
    expect(ok.differences.filter((d) => d.kind === "frozen")).toEqual([]);
    // the late batch shows as an input change (the frozen revision is not what the warehouse would give now)
    expect(ok.differences.some((d) => d.kind === "input")).toBe(true);
    await wh.run("UPDATE frozen.rankings SET composite = composite + 1 WHERE agent_id = 'A2' AND _revision = 2");
    const edited = await verifyPeriod(wh, { scheme: "golden", period: "2026-01" });
    expect(edited.differences.filter((d) => d.kind === "frozen").map((d) => d.name)).toEqual(["mart.rankings"]);
    await wh.run("UPDATE frozen.rankings SET composite = composite - 1 WHERE agent_id = 'A2' AND _revision = 2");
  });

  it("`run` warns and `status` lists the changes pending; reopen and publish let them in", async () => {
    wh.close();
    const cli = async (args: string[]) => {
      try {
        const r = await run(process.execPath, [BIN, "--config", config, ...args], { env: { ...process.env, CI: "true" } });
        return { code: 0, out: r.stdout + r.stderr };
      } catch (e) {
        const err = e as { code: number; stdout: string; stderr: string };
        return { code: err.code, out: err.stdout + err.stderr };
      }
    };
    const r = await cli(["run"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/warning: 2026-01 is final: this run's results would change \d+ published figure\(s\)/);
    const s = await cli(["status"]);
    expect(s.out).toMatch(/Changes pending \(published periods keep what was published; the latest run would change\):\n {2}golden 2026-01 \(final, revision 2\): \d+ figure\(s\) of \d agent\(s\), e\.g\. A\d rank/);
    wh = await Warehouse.open(cfg.warehouse, { timezone: TZ });
    await reopen(at("2026-03-02T02:00:00Z"), "golden", "2026-01", "the late export moved tickets between agents");
    // reopened, not yet republished: still the published revision
    expect(rankingsOf(await snapshot("reopened")).A1!.rank).toBe(1);
    await publish(at("2026-03-02T03:00:00Z"), "golden", "2026-01", "provisional");
    const republished = await snapshot("republished");
    expect(rankingsOf(republished).A1!.rank).toBeGreaterThan(1);
    expect(indicatorOf(republished, "A1")).toEqual({ value: 4, inputs: 4 });
    expect(await wh.value("SELECT count(*) FROM meta.pending_changes")).toBe(0);
  });
});

describe("a provisional period in its appeal window", () => {
  it("shows a re-score only as a new, announced publication", async () => {
    // February: published provisional; then a correction of the export arrives and is run
    writeFile(dir, "exports/2026-02.csv", csv(HEAD, AGENTS.flatMap((a, k) => Array.from({ length: 3 + k }, (_, i) => [`F-${a}-${i}`, `2026-02-0${2 + i} 09:00:00`, `2026-02-0${2 + i} 11:00:00`, `2026-02-0${2 + i} 11:00:00`, "resolved", "normal", a]))));
    writeFile(dir, "exports/2026-03.csv", csv(HEAD, [["M-1", "2026-03-01 09:00:00", "2026-03-01 10:00:00", "2026-03-01 10:00:00", "resolved", "normal", "A1"]]));
    await ingestSources(wh, cfg);
    await runModels(wh, schemes);
    await publish(at("2026-03-02T02:00:00Z"), "golden", "2026-02", "provisional");
    const rev1 = await wh.value<number>("SELECT composite FROM frozen.rankings WHERE period = '2026-02' AND agent_id = 'A6' AND _revision = 1");
    writeFile(dir, "exports/2026-02-fix.csv", csv(HEAD, Array.from({ length: 6 }, (_, i) => [`F-A6-x${i}`, `2026-02-1${i} 09:00:00`, `2026-02-1${i} 11:00:00`, `2026-02-1${i} 11:00:00`, "resolved", "normal", "A6"])));
    await ingestSources(wh, cfg);
    const r = await runModels(wh, schemes);
    expect(r.pending.find((p) => p.period === "2026-02")).toMatchObject({ state: "provisional", revision: 1 });
    const shardComposite = (snap: string) => {
      const t = JSON.parse(readFileSync(path.join(snap, "shards", "rankings", "2026-02.json"), "utf8")).rankings;
      return t.rows.find((x: unknown[]) => x[t.columns.indexOf("agent_id")] === "A6")[t.columns.indexOf("composite")];
    };
    expect(shardComposite(await snapshot("feb-window"))).toBe(rev1);
    await publish(at("2026-03-03T02:00:00Z"), "golden", "2026-02", "provisional");
    const feb = await snapshot("feb-rev2");
    expect(shardComposite(feb)).toBeGreaterThan(rev1);
    // announced: revision 2 is the one in force, and both revisions are kept for before/after
    const pub = JSON.parse(readFileSync(path.join(feb, "site", "publication.json"), "utf8"));
    expect(pub.rows.find((x: unknown[]) => x[0] === "2026-02")[pub.columns.indexOf("revision")]).toBe(2);
  });
});
