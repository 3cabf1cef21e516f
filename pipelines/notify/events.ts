/**
 * The events worth telling someone, found in the warehouse as it is (so a run that crashed, or a channel that was
 * down, finds the same events again with the same keys):
 * - period_provisional / period_final: each publication in the audit log (its revision and appeal deadline);
 * - deadline_approaching: a provisional period whose appeal deadline is this many working days away or fewer;
 * - appeal_decided: each decided appeal, to the appellant (their address from the roster);
 * - tracker_flag: a warning or review in a published quarter, to the agent's manager (from the roster) and HR;
 * - run_failed / quarantine_high: a failed run, an ingest that quarantined more rows than the threshold.
 * Only events at or after `since` are considered.
 */
import type { Warehouse } from "../../core/db/warehouse.ts";
import { addWorkingDays } from "../rules/calendar.ts";
import type { NotifyEvent } from "./templates.ts";

export interface EventOptions {
  /** the earliest moment an event may have happened (ISO) */
  since: string;
  /** today in the department's time zone (YYYY-MM-DD) */
  today: string;
  holidays: string[];
  /** the department's working days (business-hours calendar); default Monday to Friday less holidays */
  workingDay?: (day: string) => boolean;
  deadlineReminderDays: number;
  quarantineThreshold: number;
}

async function tableExists(wh: Warehouse, schema: string, table: string): Promise<boolean> {
  return Number(await wh.value("SELECT count(*) FROM information_schema.tables WHERE table_schema = $s AND table_name = $t", { s: schema, t: table })) > 0;
}

async function schemeNames(wh: Warehouse): Promise<Map<string, { id: string; name_en: string; name_zh: string }>> {
  if (!(await tableExists(wh, "scheme", "versions"))) return new Map();
  const rows = await wh.all<{ id: string; name_en: string; name_zh: string }>(
    "SELECT scheme_id AS id, any_value(scheme_name_en) AS name_en, any_value(scheme_name_zh) AS name_zh FROM scheme.versions GROUP BY 1",
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** Working days from `today` to `deadline` (0 on the deadline itself), or null when it has passed. */
function workingDaysLeft(today: string, deadline: string, holidays: string[], workingDay?: (day: string) => boolean): number | null {
  if (deadline < today) return null;
  let n = 0;
  while (addWorkingDays(today, n, holidays, workingDay) < deadline) n++;
  return n;
}

export async function findEvents(wh: Warehouse, o: EventOptions): Promise<NotifyEvent[]> {
  const events: NotifyEvent[] = [];
  const names = await schemeNames(wh);
  const schemeOf = (id: string) => names.get(id) ?? { id, name_en: id, name_zh: id };

  // publications, provisional and final, from the audit log (each revision once)
  const published = await wh.all<{ seq: number; at: string; subject: string; state: string; revision: number; deadline: string | null }>(
    `SELECT seq, strftime(logged_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS at, subject, detail->>'state' AS state,
       CAST(detail->>'revision' AS INTEGER) AS revision, detail->>'appeal_deadline' AS deadline
     FROM meta.audit_log WHERE action = 'publish' AND logged_at >= $since::TIMESTAMPTZ ORDER BY seq`,
    { since: o.since },
  );
  for (const p of published) {
    const [scheme, period] = p.subject.split(" ") as [string, string];
    const kind = p.state === "final" ? "period_final" : "period_provisional";
    events.push({ key: `${kind}:${scheme}:${period}:r${p.revision}`, kind, at: p.at, scheme: schemeOf(scheme), period, revision: p.revision, deadline: p.deadline });
  }

  // appeal deadlines coming up (working days, the department's calendar)
  for (const s of await wh.all<{ scheme_id: string; period: string; deadline: string; since: string }>(
    `SELECT scheme_id, period, appeal_deadline::VARCHAR AS deadline, strftime(since, '%Y-%m-%dT%H:%M:%S.%gZ') AS since
     FROM meta.period_states WHERE state = 'provisional' AND appeal_deadline IS NOT NULL ORDER BY scheme_id, period`,
  )) {
    const left = workingDaysLeft(o.today, s.deadline, o.holidays, o.workingDay);
    if (left === null || left > o.deadlineReminderDays) continue;
    events.push({
      key: `deadline_approaching:${s.scheme_id}:${s.period}:${s.deadline}`,
      kind: "deadline_approaching",
      at: `${o.today}T00:00:00.000Z`,
      scheme: schemeOf(s.scheme_id),
      period: s.period,
      deadline: s.deadline,
      working_days_left: left,
    });
  }

  // decided appeals, to the appellant only
  const hasIndicators = await tableExists(wh, "scheme", "indicators");
  for (const a of await wh.all<{
    appeal_id: number;
    scheme_id: string;
    period: string;
    agent_id: string;
    indicator_id: string;
    state: string;
    reason: string | null;
    at: string;
    email: string | null;
    name_en: string | null;
    name_zh: string | null;
  }>(
    `SELECT a.appeal_id, a.scheme_id, a.period, a.agent_id, a.indicator_id, a.state, a.decision_reason AS reason,
       strftime(a.decided_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS at, r.email,
       ${hasIndicators ? "i.name_en, i.name_zh" : "NULL AS name_en, NULL AS name_zh"}
     FROM meta.appeals a
     LEFT JOIN raw.agents r ON r._current AND r.agent_id = a.agent_id
     ${hasIndicators ? "LEFT JOIN (SELECT scheme_id, indicator_id, arg_max(name_en, version) AS name_en, arg_max(name_zh, version) AS name_zh FROM scheme.indicators GROUP BY ALL) i ON i.scheme_id = a.scheme_id AND i.indicator_id = a.indicator_id" : ""}
     WHERE a.state IN ('accepted', 'rejected') AND a.decided_at >= $since::TIMESTAMPTZ ORDER BY a.appeal_id`,
    { since: o.since },
  )) {
    events.push({
      key: `appeal_decided:${a.appeal_id}`,
      kind: "appeal_decided",
      at: a.at,
      scheme: schemeOf(a.scheme_id),
      period: a.period,
      appeal: {
        id: a.appeal_id,
        agent_id: a.agent_id,
        indicator: a.indicator_id,
        indicator_en: a.name_en ?? a.indicator_id,
        indicator_zh: a.name_zh ?? a.name_en ?? a.indicator_id,
        state: a.state,
        reason: a.reason,
      },
      recipients: a.email ? [a.email] : [],
      no_recipient: a.email ? undefined : `the roster has no email for ${a.agent_id}`,
    });
  }

  // warnings and reviews of published quarters, to the agent's manager (and HR, added per channel)
  if (await tableExists(wh, "mart", "bottom_tracker")) {
    for (const t of await wh.all<{
      scheme_id: string;
      quarter: string;
      agent_id: string;
      display_name: string;
      team: string;
      state: string;
      consecutive: number;
      review_since: string | null;
      at: string;
      manager_email: string | null;
      manager_id: string | null;
    }>(
      `WITH first_publication AS (
         SELECT split_part(subject, ' ', 1) AS scheme_id, split_part(subject, ' ', 2) AS quarter, min(logged_at) AS at
         FROM meta.audit_log WHERE action = 'publish' GROUP BY ALL
       )
       SELECT t.scheme_id, t.quarter, t.agent_id, t.display_name, t.team, t.state, t.consecutive, t.review_since,
         strftime(f.at, '%Y-%m-%dT%H:%M:%S.%gZ') AS at, m.email AS manager_email, a.manager_id
       FROM mart.bottom_tracker t
       JOIN first_publication f ON f.scheme_id = t.scheme_id AND f.quarter = t.quarter
       LEFT JOIN raw.agents a ON a._current AND a.agent_id = t.agent_id
       LEFT JOIN raw.agents m ON m._current AND m.agent_id = a.manager_id
       WHERE t.state IN ('warning', 'review') AND f.at >= $since::TIMESTAMPTZ
       ORDER BY t.quarter, t.agent_id`,
      { since: o.since },
    )) {
      events.push({
        key: `tracker_flag:${t.scheme_id}:${t.quarter}:${t.agent_id}:${t.state}`,
        kind: "tracker_flag",
        at: t.at,
        scheme: schemeOf(t.scheme_id),
        period: t.quarter,
        tracker: { agent_id: t.agent_id, name: t.display_name, team: t.team, quarter: t.quarter, state: t.state, consecutive: Number(t.consecutive), review_since: t.review_since },
        recipients: t.manager_email ? [t.manager_email] : [],
        no_recipient: t.manager_email ? undefined : `the roster has no manager's email for ${t.agent_id}${t.manager_id ? ` (manager ${t.manager_id})` : ""}`,
      });
    }
  }

  // failed runs and heavy quarantine, to the operators
  for (const r of await wh.all<{ run_id: number; kind: string; outcome: string; error: string | null; quarantined: number | null; at: string }>(
    `SELECT run_id, kind, outcome, error, CAST(detail->>'quarantined' AS BIGINT) AS quarantined, strftime(started_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS at
     FROM meta.runs WHERE kind IN ('ingest', 'run', 'pipeline', 'publish') AND outcome IN ('ok', 'failed') AND started_at >= $since::TIMESTAMPTZ
     ORDER BY run_id`,
    { since: o.since },
  )) {
    if (r.outcome === "failed") events.push({ key: `run_failed:${r.run_id}`, kind: "run_failed", at: r.at, run: { id: r.run_id, kind: r.kind, error: r.error } });
    if (r.kind === "ingest" && Number(r.quarantined ?? 0) > o.quarantineThreshold)
      events.push({
        key: `quarantine_high:${r.run_id}`,
        kind: "quarantine_high",
        at: r.at,
        run: { id: r.run_id, kind: r.kind, error: null, quarantined: Number(r.quarantined), threshold: o.quarantineThreshold },
      });
  }
  return events;
}
