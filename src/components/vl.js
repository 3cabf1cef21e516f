// Vega-Lite charts through vega-embed, bundled from node_modules (nothing is fetched). SVG rendering, so the
// marks are elements a browser test can count; no actions menu (it would link to an online editor).
import embed from "vega-embed";

const CONFIG = {
  font: "system-ui, -apple-system, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif",
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, grid: true, gridOpacity: 0.5 },
  legend: { labelFontSize: 11, titleFontSize: 11 },
};

/** Render a Vega-Lite spec into a new element; `name` marks it for tests and styling. */
export async function chart(spec, { name, width = 640 } = {}) {
  const el = document.createElement("div");
  el.className = "chart";
  if (name) el.dataset.chart = name;
  const full = { $schema: undefined, width: Math.max(200, Math.min(width, 960) - 120), config: CONFIG, ...spec };
  if (spec.facet || spec.hconcat || spec.vconcat || spec.width === null) delete full.width;
  const result = await embed(el, full, { actions: false, renderer: "svg" });
  el.dataset.rendered = String(result.view.scenegraph().root.items.length > 0);
  return el;
}
