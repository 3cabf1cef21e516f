/**
 * A simulation as text, for `appraisal simulate`: per period the rank agreement, who enters or leaves the bottom group,
 * the team effects and every agent's composite, rank and grade under the scheme in force and under the draft; then the
 * weight sensitivity of both.
 */
import type { Warehouse } from "../../core/db/warehouse.ts";

const f1 = (x: number | null) => (x === null || x === undefined ? "-" : Number(x).toFixed(1));
const f2 = (x: number | null) => (x === null || x === undefined ? "-" : Number(x).toFixed(2));
const signed = (x: number | null, d = 1) => (x === null || x === undefined ? "-" : `${x > 0 ? "+" : ""}${Number(x).toFixed(d)}`);
const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : " ".repeat(n - s.length) + s);

export async function formatSimulation(wh: Warehouse, simId: number, opts: { changesOnly?: boolean } = {}): Promise<string> {
  const sim = await wh.one<{ scheme_id: string; draft_version: string; based_on: string; effective_from: string; periods: string[]; result_sha256: string; seconds: number; notes: string | null }>(
    "SELECT scheme_id, draft_version, based_on, effective_from::VARCHAR AS effective_from, periods, result_sha256, seconds, notes FROM meta.lab_simulations WHERE sim_id = $s",
    { s: simId },
  );
  if (!sim) return `no simulation #${simId}`;
  const out: string[] = [];
  out.push(`simulation #${simId}: ${sim.scheme_id} draft ${sim.draft_version} (from ${sim.based_on}; would take effect ${sim.effective_from}) against the scheme in force`);
  if (sim.notes) out.push(`  ${sim.notes.trim()}`);
  out.push(`  periods: ${sim.periods.join(", ")}; result sha256 ${sim.result_sha256.slice(0, 16)} (${sim.seconds.toFixed(1)} s)`);
  for (const period of sim.periods) {
    out.push("", `== ${period}`);
    for (const a of await wh.all<Record<string, number | string | null>>(
      "SELECT * FROM meta.lab_agreement WHERE sim_id = $s AND period = $p ORDER BY department",
      { s: simId, p: period },
    ))
      out.push(
        `rank agreement${a.department ? ` (${a.department})` : ""}: Kendall's tau ${f2(a.kendall_tau as number)} over ${a.ranked_both} agents ranked under both; top 10: ${a.top10_overlap} of ${a.top10_size} the same; mean rank change ${f1(a.mean_abs_rank_change as number)}, largest ${a.max_abs_rank_change}; ${a.grade_changes} grade change(s); bottom group: ${a.entering_bottom} in, ${a.leaving_bottom} out`,
      );
    const moves = await wh.all<{ agent_id: string; display_name: string; team: string; d_bottom: boolean; f_composite: number; d_composite: number; f_rank: number; d_rank: number }>(
      "SELECT agent_id, display_name, team, d_bottom, f_composite, d_composite, f_rank, d_rank FROM meta.lab_agents WHERE sim_id = $s AND period = $p AND f_bottom <> d_bottom ORDER BY d_bottom DESC, agent_id",
      { s: simId, p: period },
    );
    for (const m of moves)
      out.push(`  ${m.d_bottom ? "enters" : "leaves"} the bottom group: ${m.agent_id} ${m.display_name} (${m.team}), rank ${m.f_rank} -> ${m.d_rank}, composite ${f1(m.f_composite)} -> ${f1(m.d_composite)}`);
    out.push("teams (ranked under both): mean composite in force -> draft (change), in the bottom group in force -> draft");
    for (const t of await wh.all<{ team: string; agents: number; f_mean: number; d_mean: number; mean_change: number; f_bottom: number; d_bottom: number }>(
      "SELECT team, agents, f_mean, d_mean, mean_change, f_bottom, d_bottom FROM meta.lab_teams WHERE sim_id = $s AND period = $p ORDER BY team",
      { s: simId, p: period },
    ))
      out.push(`  ${pad(t.team, 14)} ${lpad(String(t.agents), 3)} agents  ${f1(t.f_mean)} -> ${f1(t.d_mean)} (${signed(t.mean_change, 2)})  bottom ${t.f_bottom} -> ${t.d_bottom}`);
    out.push(`agents${opts.changesOnly ? " whose rank, grade or bottom group changes" : ""}: composite, rank and grade in force -> draft`);
    for (const a of await wh.all<Record<string, string | number | boolean | null>>(
      `SELECT * FROM meta.lab_agents WHERE sim_id = $s AND period = $p
       ${opts.changesOnly ? "AND (f_rank IS DISTINCT FROM d_rank OR f_grade IS DISTINCT FROM d_grade OR f_bottom <> d_bottom)" : ""}
       ORDER BY d_rank NULLS LAST, agent_id`,
      { s: simId, p: period },
    )) {
      const rank = (r: unknown, n: unknown) => (r === null ? "not ranked" : `${r}/${n}`);
      out.push(
        `  ${pad(String(a.agent_id), 7)} ${pad(String(a.display_name ?? ""), 6)} ${pad(String(a.team ?? ""), 10)} ${lpad(f1(a.f_composite as number), 5)} -> ${lpad(f1(a.d_composite as number), 5)}  rank ${lpad(rank(a.f_rank, a.f_ranked_agents), 6)} -> ${lpad(rank(a.d_rank, a.d_ranked_agents), 6)} (${signed(a.rank_change as number, 0)})  grade ${a.f_grade ?? "-"} -> ${a.d_grade ?? "-"}${a.f_bottom ? "  [bottom in force]" : ""}${a.d_bottom ? "  [bottom under draft]" : ""}`,
      );
    }
  }
  out.push("", "weight sensitivity: each indicator's share of the composite moved by -5 / +5 points (the others rescaled), mean |rank change| over the periods");
  const sens = await wh.all<{ side: string; indicator_id: string; weight: number; minus: number; plus: number; largest: number; bottom: number }>(
    `SELECT side, indicator_id, avg(weight) AS weight, det_avg(CASE WHEN delta < 0 THEN mean_abs_rank_change END) AS minus,
       det_avg(CASE WHEN delta > 0 THEN mean_abs_rank_change END) AS plus, max(max_abs_rank_change) AS largest, sum(bottom_changes) AS bottom
     FROM meta.lab_sensitivity WHERE sim_id = $s GROUP BY ALL ORDER BY side DESC, greatest(minus, plus) DESC, indicator_id`,
    { s: simId },
  );
  for (const side of ["in_force", "draft"]) {
    out.push(side === "in_force" ? "  scheme in force:" : "  draft:");
    for (const r of sens.filter((x) => x.side === side))
      out.push(`    ${pad(r.indicator_id, 30)} weight ${lpad(f1(r.weight), 5)}  -5: ${lpad(f2(r.minus), 5)}  +5: ${lpad(f2(r.plus), 5)}  largest ${lpad(String(r.largest), 3)}  bottom-group changes ${r.bottom}`);
  }
  return out.join("\n");
}
