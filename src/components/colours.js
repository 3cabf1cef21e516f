// The boards' colours, in one place, chosen so that readers with a colour-vision deficiency can tell them apart
// (test/site/colours.test.ts simulates deuteranopia, protanopia and tritanopia and measures the differences):
// scores on a blue-orange scale (orange low, blue high; never red against green), grades from the same scale,
// tracker states ordered by severity in lightness, one fixed colour per team, and text colour chosen by background.

/** Scores 0-100: orange (low) through a pale middle to blue (high), one stop every 10 points. */
export const SCORE_STOPS = [
  "#7f3b08", "#b35806", "#e08214", "#fdb863", "#fee0b6", "#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061",
];
export const SCORE_DOMAIN = SCORE_STOPS.map((_, i) => i * 10);

/** A Vega-Lite colour scale for scores 0-100 (piecewise in RGB, as scoreColour computes it). */
export function scoreScale() {
  return { domain: SCORE_DOMAIN, range: SCORE_STOPS, interpolate: "rgb", clamp: true };
}

const hex = (c) => [1, 3, 5].map((i) => Number.parseInt(c.slice(i, i + 2), 16));
const toHex = (rgb) => `#${rgb.map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, "0")).join("")}`;

/** The colour of a score on the score scale (what the charts draw for it). */
export function scoreColour(score) {
  const s = Math.min(100, Math.max(0, Number(score)));
  const i = Math.min(SCORE_STOPS.length - 2, Math.floor(s / 10));
  const t = (s - i * 10) / 10;
  const a = hex(SCORE_STOPS[i]);
  const b = hex(SCORE_STOPS[i + 1]);
  return toHex(a.map((v, k) => v + t * (b[k] - v)));
}

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(colour) {
  const [r, g, b] = hex(colour).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours (1 to 21). */
export function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

export const INK_DARK = "#000000";
export const INK_LIGHT = "#ffffff";

/** The text colour for a background: dark or white, whichever contrasts more. */
export function inkOn(background) {
  return contrast(background, INK_DARK) >= contrast(background, INK_LIGHT) ? INK_DARK : INK_LIGHT;
}

/** Grades, best first: blue for the best, a neutral grey in the middle, orange for the lowest. */
const GRADE_PALETTES = {
  1: ["#4393c3"],
  2: ["#2166ac", "#b35806"],
  3: ["#2166ac", "#c8c8c8", "#b35806"],
  4: ["#053061", "#4393c3", "#e08214", "#7f3b08"],
  5: ["#053061", "#4393c3", "#c8c8c8", "#e08214", "#7f3b08"],
  6: ["#053061", "#4393c3", "#b6d7ea", "#fdd0a2", "#e08214", "#7f3b08"],
  7: ["#053061", "#4393c3", "#d1e5f0", "#a0a0a0", "#fee0b6", "#e08214", "#7f3b08"],
};

/** A Vega-Lite scale for grade letters listed best first. */
export function gradeScale(grades) {
  const palette = GRADE_PALETTES[Math.min(7, Math.max(1, grades.length))];
  return { domain: grades, range: grades.map((_, i) => palette[Math.min(i, palette.length - 1)]) };
}

/** Tracker states from the most to the least severe; colours darken with severity. */
export const TRACKER_SEVERITY = ["review", "warning", "watch", "recovered", "paused", "normal"];
export const TRACKER_COLOURS = {
  review: "#7f3b08",
  warning: "#e08214",
  watch: "#fdcf8f",
  recovered: "#4393c3",
  paused: "#bdbdbd",
  normal: "#e8e8e8",
};

/**
 * Teams: colours from Paul Tol's and Okabe and Ito's colour-blind-safe palettes, ordered so that the first ones are the
 * furthest apart for every reader (test/site/colours.test.ts), assigned in the order of the team names, so that a team has the same colour on every board and in both languages (team names are data, the same in
 * every build). The department is drawn in black.
 */
export const TEAM_PALETTE = ["#332288", "#e69f00", "#66ccee", "#117733", "#ee3377", "#009988", "#aa4499", "#882255"];
export const DEPARTMENT_COLOUR = "#1b1b1b";

/** Colours by team from every team the published data knows (any period): {domain, range} for Vega-Lite. */
export function teamScale(teams) {
  const domain = [...new Set(teams.filter((t) => t !== null && t !== undefined))].sort();
  return { domain, range: domain.map((_, i) => TEAM_PALETTE[i % TEAM_PALETTE.length]) };
}

/** Categorical colours for small fixed sets (appeal states, verdicts, yes/no), colour-blind safe. */
export const APPEAL_STATE_COLOURS = { filed: "#e08214", accepted: "#2166ac", rejected: "#9e9e9e" };
export const VERDICT_COLOURS = { lenient: "#e08214", "in line": "#9e9e9e", strict: "#2166ac", "too few agents to tell": "#d0d0d0" };
export const EMPHASIS = { yes: "#e08214", no: "#4393c3" };

/** Dimensions of a scheme (a handful): Tol's "muted" palette. */
export const DIMENSION_PALETTE = ["#332288", "#88ccee", "#44aa99", "#ddcc77", "#cc6677", "#aa4499", "#117733", "#999933"];
