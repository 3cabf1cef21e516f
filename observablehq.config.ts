// Observable Framework configuration for the boards. Run through `appraisal build` / `appraisal dev`
// (npm run build / npm run dev), which publish the snapshot and set APPRAISAL_SNAPSHOT and APPRAISAL_SITE_OUT.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { labels } from "./src/components/i18n.js";

const snapshot = process.env.APPRAISAL_SNAPSHOT ?? path.join(import.meta.dirname, "warehouse", "published", "staff", "current");
const manifestFile = path.join(snapshot, "manifest.json");
const manifest = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, "utf8")) : {};
const language: string = manifest.language ?? "en";
// the tracker board is listed in the management build only (its page says so in a staff build)
const management = manifest.audience === "management";
const { L } = labels(language);

/**
 * Per page, the data files its first view (title, headline figures, first table) awaits. Each is preloaded from the
 * page's head (as="fetch" with crossorigin: how FileAttachment's fetch asks for it, so the browser uses the preloaded
 * response), which saves the round trips spent loading and running the page's modules before the first request.
 * Keep each list equal to what the page's first cell awaits: a preloaded file the page does not read is a warning in
 * the console, and a file left out is only late. A shard (`shards/...`, fetched by the page with fetchShard) is not
 * one of Framework's files: its link says rel="external" as well, so Framework leaves its path as it is.
 */
const FIRST_VIEW: Record<string, string[]> = {
  index: ["manifest.json", "team_scores.json", "periods.json"],
  leadership: ["manifest.json", "team_scores.json", "periods.json"],
  hr: ["manifest.json", "team_scores.json", "periods.json", "shards/hr/composite.json", "scheme_indicators.json", "scheme_grades.json", "team_moves.json"],
};

export default {
  title: L.site,
  root: "src",
  output: process.env.APPRAISAL_SITE_OUT ?? "dist",
  // No web fonts or stylesheets from a CDN: the theme is imported from node_modules by src/style.css.
  globalStylesheets: [],
  style: "style.css",
  lang: language,
  footer: "",
  // no favicon request (a 404 in the console otherwise); and the data files a chart board's first view awaits,
  // requested with the page rather than after its modules have run (FIRST_VIEW below)
  head: ({ path: page }: { path: string }) =>
    [
      '<link rel="icon" href="data:,">',
      ...(FIRST_VIEW[page.replace(/^\//, "").replace(/\.html$/, "")] ?? []).map((file) =>
        file.startsWith("shards/")
          ? `<link rel="preload external" href="./_file/data/${file}" as="fetch" crossorigin>`
          : `<link rel="preload" href="./data/${file}" as="fetch" crossorigin>`,
      ),
    ].join("\n"),
  search: false,
  pager: false,
  pages: [
    { name: L.overview, path: "/" },
    { name: L.leadership, path: "/leadership" },
    { name: L.hr, path: "/hr" },
    { name: L.rankings, path: "/rankings" },
    { name: L.agent, path: "/agent" },
    { name: L.appeals, path: "/appeals" },
    ...(management ? [{ name: L.tracker, path: "/tracker" }, { name: L.calibration, path: "/calibration" }, { name: L.lab, path: "/lab" }] : []),
    { name: L.methodology, path: "/methodology" },
    { name: L.status, path: "/status" },
  ],
};
