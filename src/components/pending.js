// Changes pending a new publication (issue 10 item 1): a published period keeps its frozen revision on the boards;
// what a later run would change is counted here (staff), and listed agent by agent in the management build.
import {html} from "htl";
import {htmlTable} from "./table.js";

const KIND_LABELS = {
  composite: "kindComposite",
  grade: "kindGrade",
  rank: "kindRank",
  ranked: "kindRanked",
  "bottom group": "kindBottomGroup",
  "tracker state": "kindTrackerState",
  indicators: "kindIndicators",
  dimensions: "kindDimensions",
  360: "kind360",
  teams: "kindTeams",
  other: "kindOther"
};

/** A figure of meta.pending_changes in the build's language: "indicator csat score" -> "CSAT · score". */
export function figureLabel(figure, {L, name, relation, dimension360}, indicators = new Map(), dimensions = new Map()) {
  const ind = /^indicator (\S+) (value|score)$/.exec(figure);
  if (ind) return `${indicators.has(ind[1]) ? name(indicators.get(ind[1])) : ind[1]} · ${ind[2] === "value" ? L.valueOf : L.scoreOf}`;
  const dim = /^dimension (\S+) score$/.exec(figure);
  if (dim) return `${dimensions.has(dim[1]) ? name(dimensions.get(dim[1])) : dim[1]} · ${L.scoreOf}`;
  const r360 = /^360 (\S+) (\S+)$/.exec(figure);
  if (r360) return `360 · ${relation(r360[1])} · ${dimension360(r360[2])}`;
  const team = /^team (.+) mean composite$/.exec(figure);
  if (team) return `${team[1] === "(department)" ? L.department : team[1]} · ${L.meanComposite}`;
  return L[KIND_LABELS[figure]] ?? figure;
}

/**
 * The notice for one period: how many figures of how many agents would change and what kind, and how they come in;
 * `detail` (management build) adds the list, published value against the latest run's.
 */
export function pendingNotice(period, pendingRows, ctx, {detail = null, indicators, dimensions} = {}) {
  const {L} = ctx;
  const p = pendingRows.find((d) => d.period === period);
  if (!p) return html`<p class="muted" data-state="no-pending">${L.pendingNone}</p>`;
  const kinds = String(p.kinds ?? "").split(",").filter(Boolean).map((k) => L[KIND_LABELS[k]] ?? k).join(" · ");
  // agent by agent (team figures last), rank and composite first
  const order = (f) => ["rank", "composite", "grade", "ranked", "bottom group", "tracker state"].indexOf(f) + 1 || 9;
  const rows = (detail ? detail.filter((d) => d.period === period) : []).sort(
    (a, b) => (a.agent_id === null) - (b.agent_id === null) || String(a.agent_id ?? a.figure).localeCompare(String(b.agent_id ?? b.figure)) || order(a.figure) - order(b.figure) || a.figure.localeCompare(b.figure)
  );
  return html`<div class="card pending" data-state="pending" data-period="${period}">
    <div class="grid grid-cols-2">
      <div><span class="big" data-value="pending-figures">${p.figures}</span> ${L.pendingFigures}</div>
      <div><span class="big" data-value="pending-agents">${p.agents}</span> ${L.pendingAgents}</div>
    </div>
    <p>${L.pendingKinds}${L.colon}${kinds}</p>
    <p class="muted">${p.state === "final" ? L.pendingFinal : L.pendingProvisional} (${L.revision} ${p.revision})</p>
    ${rows.length ? htmlTable(rows, [
      {key: "display_name", label: L.name, kind: "name"},
      {key: "agent_id", label: L.agentId, kind: "id"},
      {key: "figure", label: L.figure, format: (v) => figureLabel(v, ctx, indicators, dimensions)},
      {key: "old", label: L.publishedValue, align: "right"},
      {key: "new", label: L.latestRun, align: "right"}
    ], {name: "pending-changes", caption: L.pendingCaption(period)}) : ""}
  </div>`;
}
