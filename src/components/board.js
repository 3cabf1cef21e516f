// What every board starts with: the labels of the build's language, the periods and the current one, the page's
// title, the publication chip, the team colours, and the named-data rule.
import { rowsOf } from "./data.js";
import { labels } from "./i18n.js";
import { teamScale } from "./colours.js";

/**
 * The board's context. `page` is the catalogue key of the board's name (the tab's title); `teams` every team name the
 * published data knows, for one colour per team on every board.
 */
export function boardContext(manifest, periodsColumns, { page, teams = [] } = {}) {
  const t = labels(manifest.language);
  const periods = rowsOf(periodsColumns);
  const byPeriod = new Map(periods.map((p) => [p.period, p]));
  if (page) document.title = `${t.L[page]} | ${t.L.site}`;
  // Framework's sidebar toggle says "Toggle sidebar Alt-B" in English: say it in the build's language
  const key = /Mac|iPhone/.test(navigator.platform) ? (/Firefox/.test(navigator.userAgent) ? "\u2325" : "\u2318") : "Alt-";
  for (const el of document.querySelectorAll("#observablehq-sidebar-toggle, label[for='observablehq-sidebar-toggle']")) el.title = t.L.toggleSidebar(`${key}B`);
  const management = manifest.audience === "management";
  return {
    ...t,
    manifest,
    periods,
    byPeriod,
    current: manifest.current_period?.period,
    management,
    teamScale: teamScale(teams),
    /** Whether this build names agents for a period: see namedData() */
    named: (p) => namedData(p, manifest.audience),
  };
}

/**
 * The named-data rule (methodology board, "Who sees what"): the management build names agents in every period;
 * the staff build, which everyone in the department reads, only in periods published for objection (公示:
 * provisional or final). Before that, staff boards show aggregates only (department, teams, grades), and the
 * published snapshot holds no agent's result for the period (pipelines/publish/tables.ts, NAMED_PERIODS).
 */
export function namedData(periodRow, audience) {
  return audience === "management" || (periodRow?.publication_state ?? "open") !== "open";
}

const ICONS = { open: "○", provisional: "◐", final: "●" };

/**
 * The publication chip of a period: not published / provisional (published for objection, appeals until a
 * deadline) / final, each with its own colour, symbol and words.
 */
export function publicationState(periodRow, L) {
  const state = periodRow?.publication_state ?? "open";
  const el = document.createElement("span");
  el.className = `state chip ${state}`;
  el.dataset.state = state;
  const icon = document.createElement("span");
  icon.className = "chip-icon";
  icon.setAttribute("aria-hidden", "true");
  icon.textContent = ICONS[state] ?? "";
  const text =
    state === "open"
      ? L.notPublished
      : state === "provisional"
        ? periodRow.appeal_deadline
          ? periodRow.appeal_deadline < new Date().toISOString().slice(0, 10)
            ? L.provisionalClosed(periodRow.appeal_deadline)
            : L.provisionalUntil(periodRow.appeal_deadline)
          : L.provisional
        : state === "final"
          ? L.final
          : state;
  // a date in the chip never breaks at its hyphens
  el.append(icon);
  for (const part of text.split(/(\d{4}-\d{2}-\d{2})/)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(part)) el.append(part);
    else {
      const d = document.createElement("span");
      d.className = "nowrap";
      d.textContent = part;
      el.append(d);
    }
  }
  return el;
}

/** Grade letters in band order, and their names, for the version in force in a period. */
export function gradesOf(gradeRows, version, name) {
  return gradeRows.filter((g) => g.version === version).sort((a, b) => a.ord - b.ord).map((g) => ({ ...g, label: `${g.grade} ${name(g)}` }));
}

/**
 * The last day the data covers: the manifest's as_of is the first day not covered (an exclusive bound), so the day
 * before it. The same on every board.
 */
export function dataUpTo(manifest) {
  const asOf = manifest.data?.as_of;
  if (!asOf) return null;
  return new Date(Date.parse(`${asOf.slice(0, 10)}T00:00:00Z`) - 86400000).toISOString().slice(0, 10);
}

/** A paragraph saying what happened instead of a table or a chart: `state` names it for tests. */
export function stateNote(text, state) {
  const p = document.createElement("p");
  p.className = "state-note";
  p.dataset.state = state;
  p.textContent = text;
  return p;
}
