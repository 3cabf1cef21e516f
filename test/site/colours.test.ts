/**
 * The boards' colours read for colour-blind readers: each palette is seen through a simulation of deuteranopia,
 * protanopia and tritanopia (Machado, Oliveira and Fernandes 2009, severity 1) and the differences measured in CIELAB
 * (CIEDE2000: about 1 is just noticeable, 10 is clearly different). The red-yellow-green scale the boards used before
 * is measured the same way, as the control: under deuteranopia its 7 and 99 look alike.
 */
import { scheme } from "vega";
import { describe, expect, it } from "vitest";
import {
  contrast,
  gradeScale,
  INK_DARK,
  inkOn,
  SCORE_STOPS,
  scoreColour,
  TEAM_PALETTE,
  TRACKER_COLOURS,
  TRACKER_SEVERITY,
  teamScale,
  // @ts-expect-error: a browser module without types
} from "../../src/components/colours.js";

type RGB = [number, number, number];
const MACHADO: Record<string, number[][]> = {
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};

const hex = (c: string): RGB => [1, 3, 5].map((i) => Number.parseInt(c.slice(i, i + 2), 16) / 255) as RGB;
const lin = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
function simulate(c: string, kind: string | null): RGB {
  const l = hex(c).map(lin) as RGB;
  if (!kind) return l;
  const m = MACHADO[kind]!;
  return m.map((row) => Math.min(1, Math.max(0, row[0]! * l[0] + row[1]! * l[1] + row[2]! * l[2]))) as RGB;
}
function lab([r, g, b]: RGB): RGB {
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}
/** CIEDE2000 colour difference of two CIELAB colours (Sharma, Wu and Dalal 2005). */
function de2000([L1, a1, b1]: RGB, [L2, a2, b2]: RGB): number {
  const rad = Math.PI / 180;
  const Cb = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
  const G = 0.5 * (1 - Math.sqrt(Cb ** 7 / (Cb ** 7 + 25 ** 7)));
  const [a1p, a2p] = [(1 + G) * a1, (1 + G) * a2];
  const [C1p, C2p] = [Math.hypot(a1p, b1), Math.hypot(a2p, b2)];
  const hue = (x: number, y: number) => (x === 0 && y === 0 ? 0 : (Math.atan2(y, x) / rad + 360) % 360);
  const [h1p, h2p] = [hue(a1p, b1), hue(a2p, b2)];
  let dhp = 0;
  if (C1p * C2p !== 0) {
    dhp = h2p - h1p;
    if (dhp > 180) dhp -= 360;
    else if (dhp < -180) dhp += 360;
  }
  const dHp = 2 * Math.sqrt(C1p * C2p) * Math.sin((dhp * rad) / 2);
  const Lbp = (L1 + L2) / 2;
  const Cbp = (C1p + C2p) / 2;
  let hbp = h1p + h2p;
  if (C1p * C2p !== 0) {
    if (Math.abs(h1p - h2p) > 180) hbp += h1p + h2p < 360 ? 360 : -360;
    hbp /= 2;
  }
  const T = 1 - 0.17 * Math.cos((hbp - 30) * rad) + 0.24 * Math.cos(2 * hbp * rad) + 0.32 * Math.cos((3 * hbp + 6) * rad) - 0.2 * Math.cos((4 * hbp - 63) * rad);
  const dth = 30 * Math.exp(-(((hbp - 275) / 25) ** 2));
  const Rc = 2 * Math.sqrt(Cbp ** 7 / (Cbp ** 7 + 25 ** 7));
  const Sl = 1 + (0.015 * (Lbp - 50) ** 2) / Math.sqrt(20 + (Lbp - 50) ** 2);
  const Sc = 1 + 0.045 * Cbp;
  const Sh = 1 + 0.015 * Cbp * T;
  const Rt = -Math.sin(2 * dth * rad) * Rc;
  return Math.sqrt(((L2 - L1) / Sl) ** 2 + ((C2p - C1p) / Sc) ** 2 + (dHp / Sh) ** 2 + Rt * ((C2p - C1p) / Sc) * (dHp / Sh));
}
/** CIEDE2000 between two colours as a reader with `kind` (null: normal vision) sees them. */
const deltaE = (a: string, b: string, kind: string | null) => de2000(lab(simulate(a, kind)), lab(simulate(b, kind)));
const KINDS = [null, "deuteranopia", "protanopia", "tritanopia"];
const minPairwise = (colours: string[], kind: string | null) => {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < colours.length; i++) for (let j = i + 1; j < colours.length; j++) min = Math.min(min, deltaE(colours[i]!, colours[j]!, kind));
  return min;
};

/** Vega's redyellowgreen scheme at 7 and 99 of a 0-100 domain: the colours the heatmaps used before. */
const rdylgn = (s: number) => {
  const [r, g, b] = (scheme("redyellowgreen") as (t: number) => string)(s / 100).match(/\d+/g)!.map(Number);
  return `#${[r, g, b].map((v) => v!.toString(16).padStart(2, "0")).join("")}`;
};
const RDYLGN_7 = rdylgn(7);
const RDYLGN_99 = rdylgn(99);

describe("colours for colour-blind readers", () => {
  it("scores: 7 and 99 stay far apart under every simulated deficiency (the old red-yellow-green scale did not)", () => {
    // the control: the old scale's two ends are nearly the same colour to a deuteranope
    expect(deltaE(RDYLGN_7, RDYLGN_99, "deuteranopia")).toBeLessThan(15);
    for (const kind of KINDS) expect(deltaE(scoreColour(7), scoreColour(99), kind), String(kind)).toBeGreaterThan(40);
    // and it reads in order: lighter towards the middle from each end, so a reader can rank two cells by lightness alone
    const lightness = (s: number) => lab(simulate(scoreColour(s), null))[0];
    for (let s = 0; s < 50; s += 2) expect(lightness(s + 2)).toBeGreaterThan(lightness(s));
    for (let s = 50; s < 100; s += 2) expect(lightness(s + 2)).toBeLessThan(lightness(s));
    // the old scale's ends, as a deuteranope sees them, for the record
    console.info(`7 vs 99 under deuteranopia (CIEDE2000): red-yellow-green ${deltaE(RDYLGN_7, RDYLGN_99, "deuteranopia").toFixed(1)}, blue-orange ${deltaE(scoreColour(7), scoreColour(99), "deuteranopia").toFixed(1)}`);
  });

  it("grades: neighbours and the two ends differ for every reader (A/E and B/D no longer merge)", () => {
    for (const n of [2, 3, 4, 5, 6, 7]) {
      const grades = "ABCDEFG".slice(0, n).split("");
      const { range } = gradeScale(grades);
      expect(new Set(range).size).toBe(n);
      for (const kind of KINDS) expect(minPairwise(range, kind), `${n} grades, ${kind}`).toBeGreaterThan(15);
    }
    const [a, b, , d, e] = gradeScale(["A", "B", "C", "D", "E"]).range;
    for (const kind of KINDS) {
      expect(deltaE(a, e, kind)).toBeGreaterThan(30);
      expect(deltaE(b, d, kind)).toBeGreaterThan(20);
    }
  });

  it("tracker states darken with severity, and each is distinct", () => {
    const lightness = (c: string) => lab(simulate(c, null))[0];
    const severe = ["review", "warning", "watch"].map((s) => TRACKER_COLOURS[s]);
    expect(lightness(severe[0])).toBeLessThan(lightness(severe[1]));
    expect(lightness(severe[1])).toBeLessThan(lightness(severe[2]));
    expect(TRACKER_SEVERITY.slice(0, 3)).toEqual(["review", "warning", "watch"]);
    for (const kind of KINDS) expect(minPairwise(TRACKER_SEVERITY.map((s: string) => TRACKER_COLOURS[s]), kind)).toBeGreaterThan(8);
  });

  it("teams: the first five colours are told apart by every reader; a team keeps its colour whatever the order of the data", () => {
    for (const kind of KINDS) expect(minPairwise(TEAM_PALETTE.slice(0, 5), kind), String(kind)).toBeGreaterThan(15);
    const a = teamScale(["二线技术组", "一线支持一组", "大客户服务组", null]);
    const b = teamScale(["大客户服务组", "二线技术组", "一线支持一组", "二线技术组"]);
    expect(a).toEqual(b);
    expect(a.domain).toHaveLength(3);
  });

  it("text on a coloured cell is dark or white by its background, always with a contrast of at least 4.5", () => {
    for (let s = 0; s <= 100; s++) {
      const bg = scoreColour(s);
      expect(contrast(bg, inkOn(bg)), `score ${s} on ${bg}`).toBeGreaterThanOrEqual(4.5);
    }
    // a dark cell gets white text, a light one dark text
    expect(inkOn(scoreColour(0))).not.toBe(INK_DARK);
    expect(inkOn(scoreColour(50))).toBe(INK_DARK);
    expect(inkOn(scoreColour(100))).not.toBe(INK_DARK);
    expect(SCORE_STOPS).toHaveLength(11);
  });
});
