/**
 * Publication with appeals, end to end on the golden department: provisional -> appeal -> accept (a correction as
 * data) -> re-score -> final, the audit chain verified, then a tampered and a deleted entry detected. And the bad
 * input: unknown agents, closed windows, final periods, duplicates — each refused, nothing else changed.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestSources } from "../../../data-loaders/ingest/ingest.ts";
import { Warehouse } from "../../../core/db/warehouse.ts";
import { decideAppeal, fileAppeal, importAppeals } from "../../../pipelines/rules/appeals.ts";
import { verifyAudit } from "../../../core/audit.ts";
import { publish, reopen, RuleError, type RulesContext } from "../../../pipelines/rules/lifecycle.ts";
import { acknowledge } from "../../../pipelines/rules/records.ts";
import { runModels } from "../../../pipelines/run.ts";
import { loadSchemes } from "../../../pipelines/scheme/load.ts";
import { tempDir, testConfig, TZ, writeFile } from "../../helpers/warehouse.ts";

const FIXTURE = path.join(import.meta.dirname, "..", "..", "fixtures", "golden");
const schemes = loadSchemes(path.join(FIXTURE, "scheme"));
const at = (iso: string): RulesContext => ({ wh, timezone: TZ, asOf: new Date(iso), actor: "hr.lin" });

let wh: Warehouse;
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  dir = t.dir;
  cleanup = t.cleanup;
  const cfg = testConfig(dir, [
    { name: "roster", path: path.join(FIXTURE, "roster.csv"), mapping: "canonical/agents" },
    { name: "tickets", path: path.join(FIXTURE, "tickets.csv"), mapping: "canonical/tickets" },
    { name: "csat", path: path.join(FIXTURE, "csat.csv"), mapping: "canonical/csat" },
  ]);
  wh = await Warehouse.open(cfg.warehouse, { timezone: TZ });
  await ingestSources(wh, cfg);
  await runModels(wh, schemes);
});
afterAll(() => {
  wh?.close();
  cleanup?.();
});

const composite = async (agent: string, revision: number) =>
  wh.value<number>("SELECT round(composite, 4) FROM meta.published_results WHERE scheme_id = 'golden' AND period = '2026-01' AND agent_id = $a AND revision = $r", {
    a: agent,
    r: revision,
  });

/** what a refused act must leave alone */
const counts = async () =>
  wh.one<Record<string, number>>(
    `SELECT (SELECT count(*) FROM meta.appeals) AS appeals, (SELECT count(*) FROM meta.audit_log) AS audit,
      (SELECT count(*) FROM meta.corrections) AS corrections, (SELECT count(*) FROM meta.published_results) AS published`,
  );

async function refused(act: () => Promise<unknown>, message: RegExp): Promise<void> {
  const before = await counts();
  await expect(act()).rejects.toThrow(message);
  await expect(act()).rejects.toBeInstanceOf(RuleError);
  expect(await counts()).toEqual(before);
}

describe("publication with appeals, end to end", () => {
  it("runs provisional -> appeal -> accept -> re-score -> final, with before and after", async () => {
    // a period can only be published once it is complete, and first as provisional
    await refused(() => publish(at("2026-02-02T02:00:00Z"), "golden", "2026-01", "final"), /publish 2026-01 as provisional first/);
    const p = await publish(at("2026-02-02T02:00:00Z"), "golden", "2026-01", "provisional");
    expect([p.revision, p.agents, p.appealDeadline]).toEqual([1, 10, "2026-02-09"]); // 5 working days after Mon 2 Feb
    expect(await composite("A08", 1)).toBe(31.4074);

    const appeal = await fileAppeal(at("2026-02-03T03:00:00Z"), { period: "2026-01", agent: "A08", indicator: "resolved", reason: "G-0055 was a colleague's ticket, put in my name by mistake", evidence: "G-0055" }, "golden");
    expect(appeal.state).toBe("filed");
    // final is refused while the window is open and while the appeal is undecided
    await refused(() => publish(at("2026-02-04T02:00:00Z"), "golden", "2026-01", "final"), /the appeal window of 2026-01 is open until 2026-02-09/);
    await refused(() => publish(at("2026-02-10T02:00:00Z"), "golden", "2026-01", "final"), /1 appeal\(s\) on 2026-01 are not decided yet \(#1\)/);

    const decided = await decideAppeal(at("2026-02-05T03:00:00Z"), {
      appeal: appeal.appeal_id,
      accept: true,
      reason: "the assignment log shows G-0055 belonged to A06",
      correction: { kind: "reattribute_ticket", ticket: "G-0055", to_agent: "A06" },
    });
    expect(decided.state).toBe("accepted");
    // the correction is data; publishing before re-scoring is refused
    await refused(() => publish(at("2026-02-10T02:00:00Z"), "golden", "2026-01", "final"), /correction\(s\) from decided appeals came after the last run; run 'appraisal run'/);
    await runModels(wh, schemes);
    const f = await publish(at("2026-02-10T02:00:00Z"), "golden", "2026-01", "final");
    expect([f.state, f.revision]).toEqual(["final", 2]);
    // before and after: A08 has 3 tickets instead of 4 (output 30, not 40); A06 one more (already at target)
    expect(await composite("A08", 2)).toBe(25.4074);
    expect(await composite("A06", 2)).toBe(75.5556);
    expect(await wh.value("SELECT count(*) FROM meta.published_results WHERE period = '2026-01' AND revision = 1 AND agent_id = 'A08'")).toBe(1);
    await acknowledge(at("2026-02-11T02:00:00Z"), { period: "2026-01", agent: "A08", note: "agreed" }, "golden");

    // a final period is locked: publishing or appealing again is refused and says how to reopen
    await refused(() => publish(at("2026-02-12T02:00:00Z"), "golden", "2026-01", "provisional"), /2026-01 of golden is final since 2026-02-10; it cannot be re-scored or changed; to change it, reopen it: appraisal reopen --period 2026-01 --scheme golden --reason/);
    await refused(
      () => fileAppeal(at("2026-02-12T02:00:00Z"), { period: "2026-01", agent: "A03", indicator: "csat", reason: "late" }, "golden"),
      /2026-01 is final: appeals are closed/,
    );
    await refused(() => reopen(at("2026-02-12T02:00:00Z"), "golden", "2026-01", "  "), /needs a reason/);
    const r = await reopen(at("2026-02-12T02:00:00Z"), "golden", "2026-01", "payroll found a missing ticket export");
    expect([r.state, r.appeal_deadline]).toEqual(["provisional", "2026-02-19"]);

    const actions = await wh.all<{ action: string; subject: string }>("SELECT action, subject FROM meta.audit_log WHERE action NOT IN ('ingest') ORDER BY seq");
    expect(actions.map((a) => a.action)).toEqual(["run", "publish", "appeal.file", "appeal.decide", "run", "publish", "ack", "reopen"]);
    expect((await verifyAudit(wh)).ok).toBe(true);
  });

  it("detects an edited entry and a deleted one, and names them", async () => {
    const seq = await wh.value<number>("SELECT seq FROM meta.audit_log WHERE action = 'appeal.decide'");
    await wh.run(`UPDATE meta.audit_log SET detail = '{"decision":"rejected"}' WHERE seq = ${seq}`);
    const edited = await verifyAudit(wh);
    expect(edited.ok).toBe(false);
    expect(edited.problems).toContain(`entry ${seq} (appeal.decide appeal #1) was edited: its content no longer matches its hash`);
    const last = await wh.value<number>("SELECT max(seq) FROM meta.audit_log");
    await wh.run(`DELETE FROM meta.audit_log WHERE seq IN (${seq - 1}, ${last})`);
    const deleted = await verifyAudit(wh);
    expect(deleted.problems).toEqual(
      expect.arrayContaining([
        `entries ${seq - 1} to ${seq - 1} are missing (deleted before entry ${seq})`,
        `entries after ${last - 1} up to ${last} are missing (the newest entries were deleted)`,
      ]),
    );
  });
});

describe("bad appeals are refused and change nothing", () => {
  beforeAll(async () => {
    await publish(at("2026-03-02T02:00:00Z"), "golden", "2026-02", "provisional"); // window to 2026-03-09
  });
  const ok = { period: "2026-02", agent: "A03", indicator: "csat", reason: "one rating was for another agent" };

  it("an unknown agent", async () => {
    await refused(() => fileAppeal(at("2026-03-03T02:00:00Z"), { ...ok, agent: "A99" }, "golden"), /no agent 'A99' in the roster/);
  });
  it("an unknown indicator", async () => {
    await refused(() => fileAppeal(at("2026-03-03T02:00:00Z"), { ...ok, indicator: "speedd" }, "golden"), /'speedd' is not an indicator of golden in 2026-02; the indicators are resolved, csat, speed/);
  });
  it("a closed window", async () => {
    await refused(() => fileAppeal(at("2026-03-10T02:00:00Z"), ok, "golden"), /the appeal window of 2026-02 closed on 2026-03-09/);
  });
  it("a period not published", async () => {
    await refused(() => fileAppeal(at("2026-03-03T02:00:00Z"), { ...ok, period: "2026-03" }, "golden"), /2026-03 of golden has not been published yet/);
  });
  it("a duplicate", async () => {
    const first = await fileAppeal(at("2026-03-03T02:00:00Z"), ok, "golden");
    await refused(() => fileAppeal(at("2026-03-04T02:00:00Z"), ok, "golden"), new RegExp(`A03 already appealed csat in 2026-02 \\(appeal #${first.appeal_id}, filed`));
  });
  it("an acceptance without a correction, and a correction that is not the appellant's", async () => {
    const id = await wh.value<number>("SELECT max(appeal_id) FROM meta.appeals");
    await refused(() => decideAppeal(at("2026-03-05T02:00:00Z"), { appeal: id, accept: true, reason: "ok" }), /an accepted appeal needs its correction as data/);
    await refused(
      () => decideAppeal(at("2026-03-05T02:00:00Z"), { appeal: id, accept: true, reason: "ok", correction: { kind: "exclude_ticket", ticket: "G-0001" } }),
      /ticket 'G-0001' is not credited to A03/,
    );
    await refused(
      () => decideAppeal(at("2026-03-05T02:00:00Z"), { appeal: id, accept: true, reason: "ok", correction: { kind: "reattribute_csat", response: "R-999", to_agent: "A01" } }),
      /CSAT response 'R-999' is not in the warehouse/,
    );
  });
  it("an import keeps the good records and names each bad one", async () => {
    const file = writeFile(
      dir,
      "appeals.csv",
      "agent,period,indicator,reason,evidence\nA07,2026-02,speed,tickets waited on the customer,G-0100\nA99,2026-02,speed,x,\nA07,2026-02,speed,same again,\nA09,2026-13,csat,bad period,\n",
    );
    const r = await importAppeals(at("2026-03-05T02:00:00Z"), file, "golden");
    expect(r.filed.map((a) => a.agent_id)).toEqual(["A07"]);
    expect(r.refused).toEqual([
      "appeals.csv record 2: no agent 'A99' in the roster; check the id",
      expect.stringMatching(/^appeals\.csv record 3: A07 already appealed speed in 2026-02/),
      expect.stringMatching(/^appeals\.csv record 4 is not valid: period: '2026-13' is not a period/),
    ]);
  });
});

describe("incentives", () => {
  it("follow the scheme's rules", async () => {
    const rows = await wh.all<{ agent_id: string; bonus_eligible: boolean; training_offer: boolean; honours: boolean }>(
      "SELECT agent_id, bonus_eligible, training_offer, honours FROM mart.incentives WHERE scheme_id = 'golden' AND period = '2026-02' ORDER BY agent_id",
    );
    const by = Object.fromEntries(rows.map((r) => [r.agent_id, r]));
    expect(by.A05).toMatchObject({ bonus_eligible: true, honours: true, training_offer: false });
    expect(by.A08).toMatchObject({ bonus_eligible: false, honours: false, training_offer: true });
    expect(rows.filter((r) => r.honours).map((r) => r.agent_id).sort()).toEqual(["A04", "A05", "A09"]);
  });
});
