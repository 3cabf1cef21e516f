// The period selector of every board: all scored periods (quarters, then months, then years, latest first),
// starting from ?period= in the URL or the snapshot's current period. Choosing a period rewrites the URL and
// the sidebar's links, so the next board opens on the same period.
import * as Inputs from "@observablehq/inputs";

const TYPE_ORDER = { quarter: 0, month: 1, year: 2 };

export function periodSelect(periods, { L, periodType, current }) {
  const list = [...periods].sort((a, b) => TYPE_ORDER[a.period_type] - TYPE_ORDER[b.period_type] || (a.period < b.period ? 1 : -1));
  const byId = new Map(list.map((p) => [p.period, p]));
  const asked = new URLSearchParams(location.search).get("period");
  const value = byId.has(asked) ? asked : byId.has(current) ? current : list[0]?.period;
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
  const sync = () => {
    const u = new URL(location.href);
    u.searchParams.set("period", input.value);
    history.replaceState(history.state, "", u);
    for (const a of document.querySelectorAll("#observablehq-sidebar a[href], a.keeps-period")) {
      const href = new URL(a.getAttribute("href"), location.href);
      if (href.origin !== location.origin) continue;
      href.searchParams.set("period", input.value);
      a.setAttribute("href", href.pathname + href.search);
    }
  };
  input.addEventListener("input", sync);
  sync();
  return input;
}
