// Types of i18n.js for the TypeScript that imports it (observablehq.config.ts).
export declare const LANGUAGES: string[];
export declare function labels(language: string): {
  lang: "en" | "zh-CN";
  L: Record<string, string>;
  name: (row: { name_en?: string; name_zh?: string } | undefined) => string;
  relation: (r: string) => string;
  dimension360: (d: string) => string;
  tenure: (b: string) => string;
  periodType: (t: string) => string;
  source: (x: string) => string;
  locale: string;
};
