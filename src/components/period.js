// The period selector of every board: all scored periods (quarters, then months, then years, latest first),
// starting from ?period= in the URL or the snapshot's current period.
//
// Choosing a period adds an entry to the browser's history (the URL carries ?period=), so Back returns to the period
// read before; the sidebar's links carry it too, so the next board opens on the same period. A ?period= that names
// no scored period is said so on the page, never silently replaced. Filters (a team, a search) go into the URL the
// same way through urlParam().
import * as Inputs from "@observablehq/inputs";

const TYPE_ORDER = { quarter: 0, month: 1, year: 2 };

/** The sidebar's and the marked links' period: the one chosen. */
function carryPeriod(period) {
  for (const a of document.querySelectorAll("#observablehq-sidebar a[href], a.keeps-period")) {
    const href = new URL(a.getAttribute("href"), location.href);
    if (href.origin !== location.origin) continue;
    href.searchParams.set("period", period);
    a.setAttribute("href", href.pathname + href.search);
  }
}

export function periodSelect(periods, { L, periodType, current }) {
  const list = [...periods].sort((a, b) => TYPE_ORDER[a.period_type] - TYPE_ORDER[b.period_type] || (a.period < b.period ? 1 : -1));
  const byId = new Map(list.map((p) => [p.period, p]));
  const asked = new URLSearchParams(location.search).get("period");
  const fallback = byId.has(current) ? current : list[0]?.period;
  const value = byId.has(asked) ? asked : fallback;
  const input = Inputs.select(
    list.map((p) => p.period),
    {
      label: L.period,
      value,
      format: (id) => {
        const p = byId.get(id);
        return `${id} · ${periodType(p.period_type)}${p.is_complete ? "" : ` (${L.incomplete})`}`;
      },
    },
  );
  input.classList.add("period-select");
  // the chosen period in words, for a printout (the selector itself is not printed)
  const printed = document.createElement("span");
  printed.className = "print-only period-printed";
  input.appendChild(printed);
  if (asked !== null && !byId.has(asked)) {
    const note = document.createElement("p");
    note.className = "state-note";
    note.dataset.state = "unknown-period";
    note.setAttribute("role", "status");
    note.textContent = L.unknownPeriod(asked, value);
    input.appendChild(note);
  }
  const show = () => {
    printed.textContent = `${L.period}: ${input.querySelector("select")?.selectedOptions[0]?.textContent ?? input.value}`;
    carryPeriod(input.value);
  };
  // a reader's choice: a new history entry
  input.addEventListener("input", (event) => {
    show();
    if (event.fromHistory) return;
    const u = new URL(location.href);
    if (u.searchParams.get("period") === input.value) return;
    u.searchParams.set("period", input.value);
    history.pushState({ period: input.value }, "", u);
  });
  // Back and Forward: the period of that entry, without a new one
  addEventListener("popstate", () => {
    const p = new URLSearchParams(location.search).get("period");
    const next = byId.has(p) ? p : fallback;
    if (next === input.value) return;
    input.value = next;
    const event = new Event("input", { bubbles: true });
    event.fromHistory = true;
    input.dispatchEvent(event);
  });
  // the URL names the period shown from the start (replacing, not adding, an entry)
  if (asked !== value) {
    const u = new URL(location.href);
    u.searchParams.set("period", value);
    history.replaceState(history.state, "", u);
  }
  show();
  return input;
}

/**
 * An input whose value lives in the URL as ?name=: it starts from the URL when the URL names an allowed value, and a
 * change rewrites the URL (`push`: as a new history entry, else in place, as for typing in a search box). Back and
 * Forward set it again.
 */
export function urlParam(input, name, { allowed = null, fallback = null, push = true, invalidation = null } = {}) {
  const read = () => {
    const v = new URLSearchParams(location.search).get(name);
    return v !== null && (!allowed || allowed.includes(v)) ? v : fallback;
  };
  const initial = read();
  if (initial !== null && initial !== undefined && input.value !== initial) {
    input.value = initial;
  }
  input.addEventListener("input", (event) => {
    if (event.fromHistory) return;
    const u = new URL(location.href);
    const v = input.value;
    if ((u.searchParams.get(name) ?? fallback) === v) return;
    if (v === null || v === undefined || v === "" || v === fallback) u.searchParams.delete(name);
    else u.searchParams.set(name, v);
    if (push) history.pushState(history.state, "", u);
    else history.replaceState(history.state, "", u);
  });
  const onPop = () => {
    const v = read();
    if (v === input.value || (v === null && (input.value === "" || input.value === fallback))) return;
    input.value = v ?? fallback ?? "";
    const event = new Event("input", { bubbles: true });
    event.fromHistory = true;
    input.dispatchEvent(event);
  };
  addEventListener("popstate", onPop);
  // an input made again by its cell (its options depend on the period) lets go of the old one's listener
  invalidation?.then(() => removeEventListener("popstate", onPop));
  return input;
}
