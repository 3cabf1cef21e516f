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

export default {
  title: L.site,
  root: "src",
  output: process.env.APPRAISAL_SITE_OUT ?? "dist",
  // No web fonts or stylesheets from a CDN: the theme is imported from node_modules by src/style.css.
  globalStylesheets: [],
  style: "style.css",
  lang: language,
  footer: "",
  // no favicon request (a 404 in the console otherwise)
  head: '<link rel="icon" href="data:,">',
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
