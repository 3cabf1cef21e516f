// Vega-Lite charts through vega-embed, bundled from node_modules (nothing is fetched). SVG rendering, so the
// marks are elements a browser test can count; no actions menu (it would link to an online editor).
//
// Every chart is a <figure> with its summary in words as the caption: what a screen reader reads, what a printout
// keeps, and a sentence everyone can check the picture against. The chart fits the width it is given, legends and
// axis titles included (autosize fit-x), so it never makes the page wider than its column; on a narrow screen the
// legend goes under the chart. Vega's own ARIA texts (raw field names, in English) are off: the caption says it.
//
// The board comes first, the drawing after: chart() returns its figure (caption included) at once, and the chart
// library (one bundle, src/vendor/vega-embed.js, built by pipelines/site/build.ts) is imported only after the
// browser has painted the board's text and tables. Charts in view are drawn first, one at a time; the others when
// they come near the view or when the browser is idle, so every chart is drawn in the end. A figure says where it
// is in data-rendered: "false" (waiting), "true" (drawn), "error" (the drawing failed; the caption still says it).
const FONT = "system-ui, -apple-system, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

const config = (narrow, width) => ({
  font: FONT,
  aria: false,
  view: { stroke: null },
  // labels that would run into each other on a narrow chart are thinned (every other one hidden, then every fourth...)
  // rather than drawn over each other: test/site/browser.test.ts checks that no two labels of an axis overlap
  axis: { labelFontSize: 11, titleFontSize: 11, grid: true, gridOpacity: 0.5, labelLimit: 260, labelOverlap: true, labelSeparation: 3 },
  // the y axis's title reads across, above the axis (a Chinese title turned on its side reads badly)
  // about one number every 90 px along a quantitative x axis (a tick every point crowds a narrow chart)
  axisXQuantitative: { tickCount: Math.max(3, Math.round(width / 90)) },
  axisY: { titleAngle: 0, titleAnchor: "end", titleAlign: "left", titleBaseline: "bottom", titleX: 0, titleY: -8 },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 220, ...(narrow ? { orient: "bottom", direction: "horizontal", columns: 2 } : {}) },
  // an axis title never truncated into "..."
  title: { fontSize: 12 },
});

/**
 * Render a Vega-Lite spec into a new figure. `name` marks it for tests and styling; `summary` (required) says what
 * the chart shows in a sentence or two; `key` is an optional element explaining marks that have no legend.
 */
export async function chart(spec, { name, width = 640, summary, key } = {}) {
  if (!summary) throw new Error(`chart ${name ?? ""} has no summary: every chart says what it shows in words`);
  const figure = document.createElement("figure");
  figure.className = "chart";
  if (name) figure.dataset.chart = name;
  const view = document.createElement("div");
  view.className = "chart-view";
  // the caption carries the chart's content for assistive technology; the drawing itself is skipped
  view.setAttribute("aria-hidden", "true");
  const available = Math.max(240, Math.floor(width));
  const narrow = available < 560;
  // description: the drawing's own label (Vega writes "Vega visualization" otherwise)
  const full = { $schema: undefined, width: available, autosize: { type: "fit-x", contains: "padding" }, config: config(narrow, available), description: summary, ...spec };
  // a faceted chart (facet, or a row/column channel) sizes each cell itself: fit-x would draw it 0 px wide
  const faceted = spec.encoding?.row || spec.encoding?.column || spec.encoding?.facet;
  if (faceted) delete full.autosize;
  if (spec.facet || spec.hconcat || spec.vconcat || spec.width === null) {
    delete full.width;
    delete full.autosize;
  }
  fitTitles(full, available);
  figure.appendChild(view);
  if (key) figure.appendChild(key);
  const caption = document.createElement("figcaption");
  caption.className = "chart-summary";
  caption.textContent = summary;
  figure.appendChild(caption);
  figure.dataset.rendered = "false";
  // room for the drawing, so that the page does not jump when it arrives
  view.style.minHeight = `${typeof spec.height === "number" ? spec.height + 40 : 160}px`;
  later(figure, async (embed) => {
    const result = await embed(view, full, { actions: false, renderer: "svg", tooltip: { theme: "light" } });
    // Vega still labels some groups for assistive technology (a facet header: "Title text ..."), in English; the
    // drawing is hidden from it (aria-hidden above) and the caption says what it shows, so the labels go
    for (const el of view.querySelectorAll("[aria-label], [aria-roledescription]")) {
      el.removeAttribute("aria-label");
      el.removeAttribute("aria-roledescription");
    }
    view.style.minHeight = "";
    figure.dataset.rendered = String(result.view.scenegraph().root.items.length > 0);
  });
  return figure;
}

let library = null;
/** vega-embed, imported once for the whole page, after the browser has painted what is already there. */
function chartLibrary() {
  library ??= new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))
    .then(() => import("../vendor/vega-embed.js"))
    .then((m) => m.default);
  return library;
}

// charts waiting to be drawn, in the order the page made them; which of them are in (or near) the view
const waiting = [];
const near = new Set();
let observer = null;
let drawing = false;

/** Draw `figure` with `draw(embed)` when it is in view (first) or the browser is idle (then). */
function later(figure, draw) {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (e.isIntersecting) near.add(e.target);
        else near.delete(e.target);
      }
      pump();
    },
    { rootMargin: "200px 0px" },
  );
  observer.observe(figure);
  waiting.push({ figure, draw, made: Date.now(), shown: false });
  pump();
}

const idle = () => new Promise((resolve) => (window.requestIdleCallback ? requestIdleCallback(resolve, { timeout: 300 }) : setTimeout(resolve, 50)));
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One drawing at a time: the first chart in view, else (when the browser is idle) the first on the page. */
async function pump() {
  if (drawing) return;
  drawing = true;
  try {
    while (waiting.length) {
      let embed;
      try {
        embed = await chartLibrary();
      } catch (error) {
        // the bundle could not be loaded (the connection dropped): every waiting chart says so, and the next chart
        // made (a period chosen again) tries again
        library = null;
        for (const job of waiting.splice(0)) {
          job.figure.dataset.rendered = "error";
          observer.unobserve(job.figure);
        }
        near.clear();
        console.error("the charts could not be loaded:", error);
        break;
      }
      for (const job of waiting) if (job.figure.isConnected) job.shown = true;
      // a figure taken off the page (its cell ran again) is never drawn; one never put on it is given up after 10 s
      for (let i = waiting.length - 1; i >= 0; i--) {
        const job = waiting[i];
        if ((job.shown && !job.figure.isConnected) || (!job.shown && Date.now() - job.made > 10_000)) {
          observer.unobserve(job.figure);
          near.delete(job.figure);
          waiting.splice(i, 1);
        }
      }
      let job = waiting.find((j) => near.has(j.figure) && j.figure.isConnected);
      if (!job) {
        await idle();
        job = waiting.find((j) => near.has(j.figure) && j.figure.isConnected) ?? waiting.find((j) => j.figure.isConnected);
      }
      if (!job) {
        if (waiting.length) await pause(50);
        continue;
      }
      waiting.splice(waiting.indexOf(job), 1);
      observer.unobserve(job.figure);
      near.delete(job.figure);
      try {
        await job.draw(embed);
      } catch (error) {
        job.figure.dataset.rendered = "error";
        console.error(`chart ${job.figure.dataset.chart ?? ""} could not be drawn:`, error);
      }
    }
  } finally {
    drawing = false;
  }
}

/**
 * Axis labels broken into lines to fit `room` pixels: Chinese between characters, other text at spaces; a word of
 * other text is never broken inside ("certifications" stays whole). Returns a Vega labelExpr (a lookup of each
 * label's lines) for labels that would otherwise be cut or turned on their side.
 */
export function wrapLabels(labels, room, fontSize = 11) {
  const table = Object.fromEntries(labels.map((l) => [l, labelLines(String(l), room, fontSize)]));
  return `(${JSON.stringify(table)})[datum.label] || datum.label`;
}

const WIDE = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/;
/** About how wide a text is drawn: a Chinese character takes the font's size, another about half of it. */
const textWidth = (s, fontSize) => [...s].reduce((w, c) => w + (WIDE.test(c) ? fontSize : fontSize * 0.55), 0);

/** The lines of one label (exported for its test). */
export function labelLines(s, room, fontSize = 11) {
  const out = [];
  for (const word of s.split(/\s+/).filter(Boolean)) {
    if (out.length && textWidth(`${out.at(-1)} ${word}`, fontSize) <= room) out[out.length - 1] += ` ${word}`;
    else if (textWidth(word, fontSize) <= room || !WIDE.test(word)) out.push(word);
    else {
      // a run of Chinese wider than the room: broken between characters
      let line = "";
      for (const c of word) {
        if (line && textWidth(line + c, fontSize) > room) {
          out.push(line);
          line = c;
        } else line += c;
      }
      out.push(line);
    }
  }
  return out.length ? out : [s];
}

/**
 * Axis titles longer than the chart is wide, broken into lines (Vega draws an array as lines) rather than cut off at
 * the chart's edge: words at spaces, Chinese between characters.
 */
function fitTitles(spec, width) {
  const perLine = Math.max(12, Math.floor((width - 60) / 6.5));
  const lines = (t) => {
    if (typeof t !== "string" || t.length <= perLine) return t;
    const out = [];
    if (/\s/.test(t)) {
      for (const w of t.split(/\s+/)) {
        if (out.length && out.at(-1).length + 1 + w.length <= perLine) out[out.length - 1] += ` ${w}`;
        else out.push(w);
      }
    } else for (let i = 0; i < t.length; i += Math.floor(perLine / 2)) out.push(t.slice(i, i + Math.floor(perLine / 2)));
    return out;
  };
  const visit = (s) => {
    if (!s || typeof s !== "object") return;
    for (const channel of ["x", "y"]) if (s.encoding?.[channel]?.title) s.encoding[channel].title = lines(s.encoding[channel].title);
    for (const layer of s.layer ?? []) visit(layer);
  };
  visit(spec);
}

/** A key for marks without a legend: [{swatch: "line" | "dash" | "tick" | "dot" | "bar", colour, label}]. */
export function chartKey(items) {
  const ul = document.createElement("ul");
  ul.className = "chart-key";
  for (const item of items) {
    const li = document.createElement("li");
    const sw = document.createElement("span");
    sw.className = `swatch ${item.swatch}`;
    sw.style.setProperty("--swatch", item.colour ?? "currentColor");
    sw.setAttribute("aria-hidden", "true");
    li.append(sw, document.createTextNode(item.label));
    ul.appendChild(li);
  }
  return ul;
}
