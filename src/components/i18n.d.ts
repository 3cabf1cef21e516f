// Types of i18n.js for the TypeScript that imports it (observablehq.config.ts, the site build, tests).
export declare const LANGUAGES: string[];
export declare const CATALOGUE: {
  LABELS: Record<string, Record<string, unknown>>;
  TERMS: Record<string, Record<string, Record<string, string>>>;
  UNITS: Record<string, Record<string, string>>;
  DEFINITIONS_ZH: Record<string, string>;
  REASONS: Array<[RegExp, unknown]>;
};
export declare function labels(language: string): {
  lang: "en" | "zh-CN";
  // biome-ignore lint/suspicious/noExplicitAny: a label is a string or a function of its values
  L: Record<string, any>;
  name: (row: { name_en?: string; name_zh?: string } | undefined) => string;
  term: (kind: string, value: string | null | undefined) => string;
  relation: (r: string) => string;
  dimension360: (d: string) => string;
  tenure: (b: string) => string;
  periodType: (t: string) => string;
  trackerState: (x: string) => string;
  reason: (text: string | null | undefined) => string | null | undefined;
  unit: (u: string) => string;
  definition: (metric: string, english: string) => string;
  notes: (v: { notes?: string | null; notes_zh?: string | null } | undefined) => string;
  formulas: (v: Record<string, unknown>) => Array<[string, string]>;
  source: (x: string) => string;
  locale: string;
};
