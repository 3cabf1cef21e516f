// Number formats, shared by every board so that a number reads the same everywhere and the same as
// `appraisal explain` prints it (integers as they are, others with a fixed number of decimals).

export function fmt(x, digits = 2) {
  if (x === null || x === undefined || Number.isNaN(x)) return "-";
  return Number.isInteger(x) ? String(x) : x.toFixed(digits);
}

/** A change with its sign: +1.2, -0.4, 0.0 */
export function signed(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return "-";
  const s = x.toFixed(digits);
  return x > 0 && Number(s) !== 0 ? `+${s}` : s;
}

export function pct(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return "-";
  return `${(100 * x).toFixed(digits)}%`;
}

/** The sentence naming the raw inputs behind an indicator's value (the same words as `appraisal explain`). */
export function describeInputs(i, metricKind, unit) {
  if (i.raw_value === null || i.raw_value === undefined) return "no data";
  switch (metricKind) {
    case "count":
    case "sum":
      return `${fmt(i.raw_value)} ${unit}`;
    case "proportion":
      return `${fmt(i.numerator, 0)} of ${fmt(i.denominator, 0)} = ${(100 * i.raw_value).toFixed(1)}%`;
    case "rate100":
      return `${fmt(i.numerator, 0)} in ${fmt(i.denominator, 0)} resolved = ${fmt(i.raw_value)} per 100`;
    case "median":
      return `median of ${fmt(i.sample, 0)}: ${fmt(i.raw_value)} ${unit} (p90 ${fmt(i.p90)}, mean ${fmt(i.mean)})`;
    case "mean":
      return `mean of ${fmt(i.sample, 0)}: ${fmt(i.raw_value)}`;
    default:
      return fmt(i.raw_value);
  }
}
