// What every board starts with: the labels of the build's language, the periods and the current one.
import { rowsOf } from "./data.js";
import { labels } from "./i18n.js";

export function boardContext(manifest, periodsColumns) {
  const t = labels(manifest.language);
  const periods = rowsOf(periodsColumns);
  const byPeriod = new Map(periods.map((p) => [p.period, p]));
  return { ...t, manifest, periods, byPeriod, current: manifest.current_period?.period };
}

/**
 * The publication state of a period, from its published field: open (not yet published), provisional
 * (published for objection, appeals until a deadline) or final.
 */
export function publicationState(periodRow, L) {
  const state = periodRow?.publication_state ?? "open";
  const el = document.createElement("span");
  el.className = `state ${state}`;
  el.dataset.state = state;
  el.textContent =
    state === "open"
      ? L.notPublished
      : state === "provisional"
        ? `${L.provisional}${periodRow.appeal_deadline ? ` ${L.appealsUntil} ${periodRow.appeal_deadline}` : ""}`
        : state === "final"
          ? L.final
          : state;
  return el;
}

/** Grade letters in band order, and their names, for the version in force in a period. */
export function gradesOf(gradeRows, version, name) {
  return gradeRows.filter((g) => g.version === version).sort((a, b) => a.ord - b.ord).map((g) => ({ ...g, label: `${g.grade} ${name(g)}` }));
}
