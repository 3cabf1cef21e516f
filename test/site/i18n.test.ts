/**
 * The message catalogue (src/components/i18n.js): both languages have every label and every word for data values,
 * every label a board uses exists, every metric has a Chinese definition and unit, and the sentences the SQL models
 * write (not-ranked reasons, tracker reasons, rank uncertainty, missing indicators, quarantine reasons) read in Chinese.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { METRICS } from "../../pipelines/scheme/metrics.ts";
import { CATALOGUE, labels } from "../../src/components/i18n.js";

const SRC = path.resolve(import.meta.dirname, "..", "..", "src");
const sources = [
  ...readdirSync(SRC).filter((f) => f.endsWith(".md")).map((f) => path.join(SRC, f)),
  ...readdirSync(path.join(SRC, "components")).filter((f) => f.endsWith(".js")).map((f) => path.join(SRC, "components", f)),
];
/** Latin letters left in a Chinese text, once period ids (2026-Q3), SLA, CSV and the like are taken out. */
const latin = (s: string) => s.replace(/\b\d{4}-Q[1-4]\b/g, "").replace(/\b(SLA|CSV|JSON|appraisal status)\b/g, "").match(/[A-Za-z]+/g) ?? [];

/** A stand-in for any value a label's function is given (a string, a number, a list, a row): it reads as "⟨⟩". */
// biome-ignore lint/suspicious/noExplicitAny: a stand-in for anything
const ANY: any = new Proxy(() => {}, {
  get: (_t, k) =>
    k === Symbol.toPrimitive
      ? () => "⟨⟩"
      : k === Symbol.iterator
        ? function* () {
            yield ANY;
            yield ANY;
            yield ANY;
          }
        : k === "map"
          ? (f: (x: unknown, i: number) => unknown) => [f(ANY, 0)]
          : k === "join"
            ? () => "⟨⟩"
            : k === "length"
              ? 1
              : ANY,
  apply: () => ANY,
});

describe("the catalogue", () => {
  it("has the same labels in English and Chinese, and a label for every L.key a board or component uses", () => {
    const { LABELS } = CATALOGUE;
    expect(Object.keys(LABELS["zh-CN"]!).sort()).toEqual(Object.keys(LABELS.en!).sort());
    const used = new Set<string>();
    for (const file of sources) for (const m of readFileSync(file, "utf8").matchAll(/\bL\.([A-Za-z_]\w*)/g)) used.add(m[1]!);
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((k) => !(k in LABELS.en!)).sort()).toEqual([]);
    // a function in one language is a function in the other, taking the same values
    for (const [k, v] of Object.entries(LABELS.en!)) expect(typeof LABELS["zh-CN"]![k], k).toBe(typeof v);
  });

  it("has a Chinese word for every data value it knows in English, with no Latin letter", () => {
    const { TERMS } = CATALOGUE;
    expect(Object.keys(TERMS["zh-CN"]!).sort()).toEqual(Object.keys(TERMS.en!).sort());
    for (const [kind, words] of Object.entries(TERMS.en!)) {
      expect(Object.keys(TERMS["zh-CN"]![kind]!).sort(), kind).toEqual(Object.keys(words).sort());
      for (const [value, zh] of Object.entries(TERMS["zh-CN"]![kind]!)) expect(latin(zh), `${kind}.${value}: ${zh}`).toEqual([]);
    }
    // the Chinese labels are Chinese (apart from units and ids)
    const zh = labels("zh-CN").L;
    for (const [k, v] of Object.entries(CATALOGUE.LABELS["zh-CN"]!)) {
      const text = typeof v === "function" ? [(v as (...a: unknown[]) => unknown)(ANY, ANY, ANY, ANY)].flat().map(String).join("") : String(v);
      expect(latin(text.replaceAll("⟨⟩", "")), `${k}: ${text}`).toEqual([]);
    }
    expect(zh.rankings).toBe("员工排名");
    expect(labels("fr").lang).toBe("en");
  });

  it("defines every metric of the catalogue in Chinese, with its unit", () => {
    const t = labels("zh-CN");
    for (const [id, m] of Object.entries(METRICS)) {
      expect(CATALOGUE.DEFINITIONS_ZH[id], id).toBeTruthy();
      expect(latin(t.definition(id, m.definition)), id).toEqual([]);
      expect(latin(t.unit(m.unit)), `${id}: ${m.unit}`).toEqual([]);
    }
    // English keeps the catalogue's own words
    expect(labels("en").definition("csat", METRICS.csat!.definition)).toBe(METRICS.csat!.definition);
  });

  it("reads the models' reasons in Chinese, part by part, and keeps what HR typed", () => {
    const { reason } = labels("zh-CN");
    const cases: Array<[string, string]> = [
      ["16 resolved tickets; ranking needs at least 21 in a quarter", "本期解决工单 16 张，每季度至少 21 张才参与排名"],
      ["only 42.5% of the scheme's weight has data; ranking needs 50%", "仅 42.5% 的方案权重有数据，参与排名至少需要 50%"],
      ["quarter in progress", "季度尚未结束"],
      ["new hire (3 months in post, the rule starts after 6)", "新员工（在岗 3 个月，满 6 个月后适用）"],
      ["not ranked: 15 resolved tickets; ranking needs at least 60 in a quarter", "未排名：本期解决工单 15 张，每季度至少 60 张才参与排名"],
      ["rule not applied: 4 ranked agents, fewer than 5", "不适用末位规则：参与排名 4 人，少于 5 人"],
      ["in the bottom group (2 of 3 consecutive quarters)", "处于末位组（连续 3 个季度中的第 2 个）"],
      [
        "in the bottom group 3 quarters in a row (2026-Q1 to 2026-Q3); severe quality: 7 complaints in the quarter (threshold 6)",
        "连续 3 个季度处于末位组（2026-Q1 至 2026-Q3）；严重质量问题：本季度投诉 7 次（阈值 6 次）",
      ],
      ["after the warning period: low efficiency: median resolution 30.5 h, over 2.5 times the team median 11.2 h", "预警期后：效率偏低：解决时长中位数 30.5 小时，超过团队中位数 11.2 小时的 2.5 倍"],
      ["low efficiency: 40 resolved tickets, under 50.0% of the department median 120.0", "效率偏低：解决工单 40 张，低于部门中位数 120.0 张的 50.0%"],
      ["still in the bottom group after the warning period", "预警期后仍处于末位组"],
      ["out of the bottom group after the warning period", "预警期后已脱离末位组"],
      ["not distinguishable from the agents above the cut: rank 60 to 73 at 95%", "与末位线以上的人员无法区分：排名 60–73（95% 区间）"],
      ["could be in the bottom group: rank 50 to 66 at 95%, the group starts at rank 59", "可能处于末位组：排名 50–66（95% 区间），末位组从第 59 名开始"],
      ["sample 9 is below the minimum 10", "样本 9 个，低于最低要求 10 个"],
      ["no data in the period", "本期无数据"],
      ["expected a date (for example 2026-03-05)", "格式不符：应为日期"],
      ["missing value (the field is required)", "缺少必填值"],
      // a reason typed by HR stays as it was typed
      ["excluded: 产假", "已排除：产假"],
    ];
    for (const [en, zh] of cases) expect(reason(en), en).toBe(zh);
    expect(labels("en").reason(cases[0]![0])).toBe(cases[0]![0]);
    expect(reason(null)).toBeNull();
  });
});
