/**
 * The staff's opinion survey on the scheme, from a 问卷星 text export (GBK) written from the tool's documented
 * columns: one column per indicator of the matrix question, mapped with object_of; loaded through the drop folder
 * like the other surveys; aggregated per indicator and team only where at least five answered, with the suppression
 * holding across the team and total counts; the free text cut by jieba into themes of five or more respondents.
 */
import { copyFileSync, mkdirSync, utimesSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestSources } from "../../../data-loaders/ingest/ingest.ts";
import { termsOf } from "../../../data-loaders/surveys/opinion-terms.ts";
import { Warehouse } from "../../../core/db/warehouse.ts";
import { buildModels, listModels, orderModels } from "../../../pipelines/run.ts";
import { loadSchemes } from "../../../pipelines/scheme/load.ts";
import { csv, tempDir, testConfig, TZ, writeFile } from "../../helpers/warehouse.ts";

const FIXTURE = path.join(import.meta.dirname, "..", "..", "fixtures", "opinion", "问卷星-考核方案意见调查-2026Q3.csv");
const SCHEMES = path.join(import.meta.dirname, "..", "..", "..", "schemes");

let wh: Warehouse;
let dir: string;
let cleanup: () => void;
let batches: Awaited<ReturnType<typeof ingestSources>>["batches"];

beforeAll(async () => {
  const t = tempDir();
  dir = t.dir;
  cleanup = t.cleanup;
  const roster = writeFile(
    dir,
    "roster.csv",
    csv(["agent_id", "display_name", "team", "department", "role", "hire_date"], [["E1", "Ann", "一线支持一组", "技术支持部", "agent", "2024-01-01"]]),
  );
  const inbox = path.join(dir, "inbox");
  mkdirSync(inbox);
  const dropped = path.join(inbox, path.basename(FIXTURE));
  copyFileSync(FIXTURE, dropped);
  utimesSync(dropped, new Date("2026-10-13T00:00:00Z"), new Date("2026-10-13T00:00:00Z"));
  const cfg = testConfig(dir, [{ name: "roster", path: roster, mapping: "canonical/agents" }], {
    drop_folder: { path: "inbox", settle_seconds: 0, done: "done", failed: "failed", rules: [{ match: "问卷星*意见调查*.csv", mapping: "surveys/wenjuanxing-opinion" }] },
  } as never);
  wh = await Warehouse.open(cfg.warehouse, { timezone: TZ });
  const r = await ingestSources(wh, cfg);
  expect(r.errors).toEqual([]);
  batches = r.batches;
  // the staging and opinion models, built as a run builds them
  const wanted = new Set(["stg.agents", "stg.opinion_survey", "stg.opinion_terms", "mart.opinion_results", "mart.opinion_themes"]);
  await buildModels(wh, loadSchemes(SCHEMES), "build_t", undefined, orderModels(listModels()).filter((m) => wanted.has(m.name)));
});

afterAll(() => {
  wh?.close();
  cleanup?.();
});

describe("the opinion survey", () => {
  it("loads the 问卷星 export from the drop folder: GBK, one sheet per row, a bad label quarantined with its line", async () => {
    const b = batches.find((x) => x.table === "opinion_survey")!;
    expect(b.status).toBe("loaded");
    expect(b.encoding).toBe("gb18030");
    expect(b.rowsRead).toBe(27);
    expect(b.quarantined).toBe(1);
    expect(b.problems[0]).toMatch(/line 28, field answers: an answer is not one of fair, unclear, unfair/);
    const sheet = await wh.one<{ answers: string; team: string; response_id: string }>(
      "SELECT answers, team, response_id FROM raw.opinion_survey WHERE _current AND NOT _bad AND starts_with(comment, '专业认证的考试名额太少')",
    );
    expect(JSON.parse(sheet!.answers)).toMatchObject({ tickets_resolved: "unfair", certifications: "unfair" });
    expect(sheet!.team).toBe("一线支持一组");
    expect(sheet!.response_id).toMatch(/^WJX-OPN-[0-9a-f]{16}$/);
  });

  it("shows a team's verdicts only with five respondents, and withholds one more team where the total would reveal a smaller one", async () => {
    const rows = await wh.all<{ indicator_id: string; team: string | null; shown: boolean; respondents: number | null; fair: number | null; withheld_reason: string | null }>(
      "SELECT indicator_id, team, shown, respondents, fair, withheld_reason FROM build_t.opinion_results WHERE round = '2026-Q4' ORDER BY indicator_id, team NULLS FIRST",
    );
    const of = (ind: string) => rows.filter((r) => r.indicator_id === ind).map((r) => [r.team, r.shown, r.respondents === null ? null : Number(r.respondents)]);
    // tickets_resolved: 大客户服务组 has 3 (withheld); alone it would be the total minus the shown teams, so the smallest
    // shown team (二线技术组 5, before 平台与集成组 5 by name) is withheld too
    expect(of("tickets_resolved")).toEqual([
      [null, true, 26],
      ["一线支持一组", true, 7],
      ["一线支持二组", true, 6],
      ["二线技术组", false, null],
      ["大客户服务组", false, null],
      ["平台与集成组", true, 5],
    ]);
    expect(rows.find((r) => r.indicator_id === "tickets_resolved" && r.team === "二线技术组")!.withheld_reason).toBe(
      "withheld so that a smaller group cannot be worked out from the total",
    );
    // certifications: one 二线 respondent skipped it (4 left) and 大客户服务组 has 3: withheld together they are 7
    expect(of("certifications")).toEqual([
      [null, true, 25],
      ["一线支持一组", true, 7],
      ["一线支持二组", true, 6],
      ["二线技术组", false, null],
      ["大客户服务组", false, null],
      ["平台与集成组", true, 5],
    ]);
    // no subtraction reveals a withheld group under five: per indicator, total minus the shown teams is 0 or >= 5
    const residuals = await wh.all<{ indicator_id: string; residual: number }>(
      `SELECT indicator_id, max(respondents) FILTER (WHERE team IS NULL) - coalesce(sum(respondents) FILTER (WHERE team IS NOT NULL), 0) AS residual
       FROM build_t.opinion_results WHERE shown GROUP BY ALL`,
    );
    expect(residuals.length).toBe(8);
    for (const r of residuals) expect(Number(r.residual) === 0 || Number(r.residual) >= 5).toBe(true);
  });

  it("finds themes in the free text with a Chinese segmenter, only words five or more people used", async () => {
    expect(termsOf("专业认证的考试名额太少，认证权重偏高，对没有考试预算的同事不公平。")).toEqual(
      expect.arrayContaining(["专业认证", "考试", "名额", "认证", "权重", "不公平"]),
    );
    expect(termsOf("专业认证的考试名额太少")).not.toContain("的");
    const themes = await wh.all<{ term: string; respondents: number }>("SELECT term, respondents FROM build_t.opinion_themes WHERE round = '2026-Q4' ORDER BY theme_rank, term");
    expect(themes[0]).toEqual({ term: "专业认证", respondents: 7 });
    expect(themes.map((t) => t.term)).toEqual(["专业认证", "工单", "解决量"]);
    expect(themes.every((t) => Number(t.respondents) >= 5)).toBe(true);
    // 夜班 is in three comments: not a theme
    expect(themes.map((t) => t.term)).not.toContain("夜班");
  });
});
