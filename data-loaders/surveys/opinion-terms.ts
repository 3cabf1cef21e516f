/**
 * The words of the opinion survey's free text, for the themes management sees: each answer sheet's comment is cut
 * into words by jieba (@node-rs/jieba, its own dictionary plus the appraisal's terms), function words, punctuation,
 * numbers and single characters dropped, each word once per sheet, into meta.opinion_terms with the batch it came
 * from. The comments themselves never leave the warehouse; a theme is published only where at least five people
 * used the word (mart.opinion_themes).
 */
import { createRequire } from "node:module";
import type { Jieba } from "@node-rs/jieba";
import type { Warehouse } from "../../core/db/warehouse.ts";

/** Words of the appraisal the general dictionary splits (工单 -> 工 + 单), with a high frequency so they stay whole. */
const DOMAIN_WORDS = [
  "工单", "工单量", "解决量", "解决率", "问题解决率", "满意度", "客户满意度", "回访", "首次响应", "响应时间", "重开率", "投诉率",
  "质检", "方案质量", "专业认证", "认证", "培训学时", "学时", "权重", "指标", "考核", "末位淘汰", "末位", "公示", "申诉",
  "不公平", "不清楚", "不合理", "二线", "一线", "排班", "夜班", "大客户", "SLA",
];

/** Words that carry no theme. */
const STOP_WORDS = new Set(
  (
    "的 了 是 在 和 与 及 或 也 就 都 而 对 对于 把 被 让 给 从 到 向 为 为了 以 之 其 这 那 这个 那个 这些 那些 这样 那样 这种 " +
    "我 我们 你 你们 他 她 它 他们 大家 自己 有 没有 没 不 不是 很 太 还 还是 但 但是 因为 所以 如果 虽然 可以 可能 能 会 要 应该 " +
    "希望 建议 觉得 认为 感觉 一些 一个 一下 比较 非常 更 最 又 再 已经 就是 什么 怎么 如何 目前 现在 今后 以后 希望能 " +
    "the a an and or of to in on for with is are be it this that these those we our they their not no but as by at from have has " +
    "should would could can will very more most too also just than then there here what which who how"
  ).split(/\s+/),
);

let jieba: Jieba | null = null;

/** The segmenter, built once (its dictionary loads in about 0.1 s), and loaded only by the commands that cut text. */
export function segmenter(): Jieba {
  if (!jieba) {
    const require = createRequire(import.meta.url);
    const { Jieba } = require("@node-rs/jieba") as typeof import("@node-rs/jieba");
    const { dict } = require("@node-rs/jieba/dict.js") as typeof import("@node-rs/jieba/dict.js");
    const extra = Buffer.from(DOMAIN_WORDS.map((w) => `${w} 100000 n`).join("\n"));
    jieba = Jieba.withDict(Buffer.concat([dict, Buffer.from("\n"), extra]));
  }
  return jieba;
}

/** The distinct theme words of one text, in order of first use. */
export function termsOf(text: string): string[] {
  const seen = new Set<string>();
  for (const raw of segmenter().cut(text, false)) {
    const w = raw.trim().toLowerCase();
    if (!w || STOP_WORDS.has(w)) continue;
    if (/^[\p{P}\p{S}\p{N}\s]+$/u.test(w)) continue; // punctuation, symbols, numbers
    if (/^\p{Script=Han}$/u.test(w)) continue; // a single character rarely names a theme
    if (/^[a-z]{1,2}$/.test(w)) continue;
    seen.add(w);
  }
  return [...seen];
}

/** Cut the comments of one loaded batch into meta.opinion_terms (inside the batch's transaction). */
export async function recordOpinionTerms(wh: Warehouse, batchId: number): Promise<number> {
  const rows = await wh.all<{ response_id: string; comment: string }>(
    "SELECT response_id, comment FROM raw.opinion_survey WHERE _batch_id = $b AND NOT _bad AND comment IS NOT NULL ORDER BY response_id",
    { b: batchId },
  );
  const terms: Array<[string, string]> = [];
  for (const r of rows) for (const t of termsOf(r.comment)) terms.push([r.response_id, t]);
  if (!terms.length) return 0;
  await wh.run(
    `INSERT INTO meta.opinion_terms SELECT $b, t.r, t.t FROM (SELECT unnest(CAST($terms::JSON AS STRUCT(r VARCHAR, t VARCHAR)[])) AS t) ON CONFLICT DO NOTHING`,
    { b: batchId, terms: JSON.stringify(terms.map(([r, t]) => ({ r, t }))) },
  );
  return terms.length;
}
