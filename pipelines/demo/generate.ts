/**
 * `appraisal demo`: write the export files a real support department would hand over, for a generated
 * department. The roster is drawn in TypeScript (80 rows); tickets, CSAT, audits, 360 reviews and the rest are
 * drawn in DuckDB SQL from a counter-based random stream (hash of seed, row and draw number), so that millions
 * of tickets take seconds and the same seed gives the same files.
 */
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import iconv from "iconv-lite";
import { lit, Warehouse } from "../../core/db/warehouse.ts";
import { DEMO_TEAMS, DEPARTMENT_MANAGER, DEPARTMENT_ZH, makeRoster, type RosterPlan } from "./roster.ts";

export interface DemoOptions {
  out: string;
  seed: number;
  agents: number;
  tickets: number;
  months: number;
  /** last month of data, like 2026-10 */
  endMonth: string;
  /** write one tickets.csv with final versions only (for the benchmark) instead of monthly exports */
  singleFile?: boolean;
  /** only the roster and tickets (the benchmark's input) */
  ticketsOnly?: boolean;
  timezone?: string;
  onStep?: (step: string, done: number, total: number) => void;
}

export interface DemoManifest {
  seed: number;
  agents: number;
  tickets: number;
  months: number;
  start: string;
  end: string;
  planted: RosterPlan["planted"] & { note: string };
  files: string[];
}

/** category, share, base handling hours, hard (routed to the escalation team), subject template */
const CATEGORIES: Array<[string, number, number, boolean, string]> = [
  ["account", 0.17, 3, false, "Cannot sign in to the admin console"],
  ["billing", 0.1, 4, false, "Invoice amount does not match the contract"],
  ["how_to", 0.22, 2, false, "How do I configure user roles"],
  ["bug", 0.14, 18, false, "Export job fails with error 500"],
  ["feature_request", 0.05, 6, false, "Request: bulk edit of device groups"],
  ["integration", 0.1, 30, true, "API webhook stops delivering events"],
  ["database", 0.08, 36, true, "Replication lag on the reporting database"],
  ["network", 0.11, 24, true, "VPN tunnel drops every few minutes"],
  ["outage", 0.03, 8, true, "Service unavailable in the east region"],
];
const PRIORITIES: Array<[string, number, number, number, string]> = [
  // name, share, handling factor, SLA hours, export label
  ["urgent", 0.05, 0.35, 8, "P1"],
  ["high", 0.2, 0.65, 24, "P2"],
  ["normal", 0.55, 1, 48, "P3"],
  ["low", 0.2, 1.4, 120, "P4"],
];
const CHANNELS: Array<[string, number, number]> = [
  // name, share, first-response minutes
  ["email", 0.42, 95],
  ["web", 0.12, 120],
  ["chat", 0.28, 3],
  ["phone", 0.18, 1.5],
];

/** A CASE expression picking a label by cumulative shares of a uniform draw `u`. */
function pick(u: string, items: Array<[string, number]>): string {
  const total = items.reduce((a, [, s]) => a + s, 0);
  let acc = 0;
  const whens = items.slice(0, -1).map(([label, share]) => {
    acc += share / total;
    return `WHEN ${u} < ${acc.toFixed(6)} THEN ${lit(label)}`;
  });
  return `(CASE ${whens.join(" ")} ELSE ${lit(items.at(-1)![0])} END)`;
}

const valuesTable = (rows: Array<Array<string | number | boolean>>) =>
  rows
    .map((r) => `(${r.map((v) => (typeof v === "string" ? lit(v) : String(v))).join(", ")})`)
    .join(", ");

function monthBounds(endMonth: string, months: number): { start: Date; end: Date } {
  const [y, m] = endMonth.split("-").map(Number) as [number, number];
  const end = new Date(Date.UTC(y, m, 0)); // last day of end month
  const start = new Date(Date.UTC(y, m - months, 1));
  return { start, end };
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

export async function generateDemo(opts: DemoOptions): Promise<DemoManifest> {
  const tz = opts.timezone ?? "Asia/Shanghai";
  const { start, end } = monthBounds(opts.endMonth, opts.months);
  const step = (s: string, i: number, n: number) => opts.onStep?.(s, i, n);
  const TOTAL = opts.ticketsOnly ? 4 : 11;
  const out = path.resolve(opts.out);
  for (const d of ["hr", "helpdesk", "survey", "lms", "ideas", "qa"]) mkdirSync(path.join(out, d), { recursive: true });
  // Stale files of an earlier run with other settings would be ingested too: clear the generated folders.
  for (const d of ["helpdesk", "survey"]) {
    rmSync(path.join(out, d), { recursive: true, force: true });
    mkdirSync(path.join(out, d), { recursive: true });
  }
  const plan = makeRoster(opts.agents, opts.seed, start, end);
  const db = await Warehouse.open(":memory:", { timezone: tz });
  const files: string[] = [];
  try {
    await db.run(`SET temp_directory = ${lit(path.join(out, ".tmp"))}; SET preserve_insertion_order = true`);
    await db.run(`SET VARIABLE seed = ${Math.trunc(opts.seed)}`);
    // u(i, k): the k-th uniform draw of entity i; zn: a standard normal (Box-Muller on two draws)
    await db.run(`CREATE MACRO u(i, k) AS (hash((getvariable('seed')::BIGINT * 1000003 + i) * 64 + k) >> 11)::DOUBLE / 9007199254740992.0;
      CREATE MACRO zn(i, k) AS sqrt(-2 * ln(greatest(u(i, k), 1e-12))) * cos(2 * pi() * u(i, k + 1));`);
    step("roster", 1, TOTAL);
    await db.run(`CREATE TABLE agents (agent_id VARCHAR, agent_no INT, name_zh VARCHAR, name_en VARCHAR, email VARCHAR, login VARCHAR,
      team_id VARCHAR, team_zh VARCHAR, role VARCHAR, manager_id VARCHAR, hire_date DATE, leave_date DATE, skill DOUBLE,
      pattern VARCHAR, leniency DOUBLE)`);
    const rosterRows = plan.agents.map((a, i) => [
      a.agent_id, i + 1, a.name_zh, a.name_en, a.email, a.login, a.team_id, a.team_zh, a.role, a.manager_id, a.hire_date,
      a.leave_date ?? "", a.skill, a.pattern, a.leniency,
    ]);
    await db.run(
      `INSERT INTO agents SELECT col0, col1, col2, col3, col4, col5, col6, col7, col8, col9, col10::DATE, nullif(col11, '')::DATE, col12, col13, col14 FROM (VALUES ${valuesTable(rosterRows)})`,
    );
    // team moves (roster history): from a day on, the agent works in another team under its lead
    await db.run("CREATE TABLE moves (agent_id VARCHAR, from_date DATE, team_id VARCHAR, team_zh VARCHAR, manager_id VARCHAR)");
    const moveRows = plan.agents.flatMap((a) => a.moves.map((m) => [a.agent_id, m.from, m.team_id, m.team_zh, m.manager_id]));
    if (moveRows.length) await db.run(`INSERT INTO moves SELECT col0, col1::DATE, col2, col3, col4 FROM (VALUES ${valuesTable(moveRows)})`);
    await db.run(`CREATE TABLE teams AS SELECT * FROM (VALUES ${valuesTable(DEMO_TEAMS.map((t) => [t.id, t.zh, t.en, t.share, t.hardQueue]))}) t(team_id, team_zh, team_en, share, hard_queue)`);

    // months of the demo, and each agent's skill and capacity per month
    const lastFullQuarterEnd = (() => {
      const m = end.getUTCMonth() + 1;
      const q = Math.floor(m / 3) * 3; // last month of the last complete quarter (0 = the year before)
      return new Date(Date.UTC(end.getUTCFullYear(), q, 0));
    })();
    const declineFrom = new Date(Date.UTC(lastFullQuarterEnd.getUTCFullYear(), lastFullQuarterEnd.getUTCMonth() - 8, 1));
    await db.run(`CREATE TABLE months AS
      SELECT (row_number() OVER (ORDER BY m) - 1)::INT AS month_idx, m::DATE AS month_start, (m + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS month_end
      FROM generate_series(DATE ${lit(iso(start))}, DATE ${lit(iso(end))}, INTERVAL 1 MONTH) g(m)`);
    await db.run(`CREATE TABLE agent_month AS
      WITH am AS (
        SELECT a.*, m.month_idx, m.month_start, m.month_end,
          greatest(0, date_diff('day', greatest(a.hire_date, m.month_start), least(coalesce(a.leave_date, m.month_end), m.month_end)) + 1)
            / (date_diff('day', m.month_start, m.month_end) + 1) AS active_share,
          date_diff('month', a.hire_date, m.month_start) AS tenure_months
        FROM agents a CROSS JOIN months m)
      SELECT agent_id,
        -- a month's team is the one in force on its 16th (a move in the first half of a month counts from that month)
        coalesce((SELECT arg_max(mv.team_id, mv.from_date) FROM moves mv WHERE mv.agent_id = am.agent_id AND mv.from_date <= am.month_start + 15), team_id) AS team_id,
        coalesce((SELECT arg_max(mv.manager_id, mv.from_date) FROM moves mv WHERE mv.agent_id = am.agent_id AND mv.from_date <= am.month_start + 15), manager_id) AS manager_id,
        month_idx, active_share,
        CASE pattern
          WHEN 'improving' THEN skill + (1.36 - skill) * month_idx / greatest(1, (SELECT max(month_idx) FROM months))
          WHEN 'declining' THEN CASE
            WHEN month_start < DATE ${lit(iso(declineFrom))} THEN skill
            WHEN month_start < DATE ${lit(iso(declineFrom))} + INTERVAL 3 MONTH THEN 0.74
            WHEN month_start < DATE ${lit(iso(declineFrom))} + INTERVAL 6 MONTH THEN 0.66
            ELSE 0.6 END
          ELSE skill * (1 + 0.04 * zn(1000000000 + agent_no * 1000 + month_idx, 1)) END
          * CASE WHEN tenure_months < 1 THEN 0.85 WHEN tenure_months < 3 THEN 0.93 ELSE 1 END AS skill,
        round(10 * active_share * CASE WHEN tenure_months < 1 THEN 0.4 WHEN tenure_months < 2 THEN 0.7 ELSE 1 END)::INT AS slots
      FROM am WHERE active_share > 0`);
    await db.run(`CREATE TABLE agent_slots AS
      SELECT team_id, month_idx, (row_number() OVER (PARTITION BY team_id, month_idx ORDER BY agent_id, s) - 1)::INT AS slot, agent_id
      FROM (SELECT team_id, month_idx, agent_id, unnest(range(slots)) AS s FROM agent_month WHERE slots > 0)`);
    await db.run(`CREATE TABLE team_month AS SELECT team_id, month_idx, count(*)::INT AS nslots FROM agent_slots GROUP BY ALL`);

    step("tickets", 2, TOTAL);
    const days = Math.round((end.getTime() - start.getTime()) / 86_400_000) + 1;
    const hardList = CATEGORIES.filter((c) => c[3]).map((c) => lit(c[0])).join(", ");
    const catCase = pick("u(i, 5)", CATEGORIES.map((c) => [c[0], c[1]]));
    const prioCase = `(CASE WHEN category = 'outage' AND u(i, 7) < 0.6 THEN 'urgent' ELSE ${pick("u(i, 8)", PRIORITIES.map((p) => [p[0], p[1]]))} END)`;
    const chanCase = pick("u(i, 9)", CHANNELS.map((c) => [c[0], c[1]]));
    const softTeams = DEMO_TEAMS.map((t) => [t.id, t.hardQueue ? 0.005 : t.share] as [string, number]);
    const hardTeam = DEMO_TEAMS.find((t) => t.hardQueue)!.id;
    await db.run(`CREATE TABLE cats AS SELECT * FROM (VALUES ${valuesTable(CATEGORIES.map((c) => [c[0], c[2], c[4]]))}) t(category, base_hours, subject)`);
    await db.run(`CREATE TABLE prios AS SELECT * FROM (VALUES ${valuesTable(PRIORITIES.map((p) => [p[0], p[2], p[3], p[4]]))}) t(priority, factor, sla_hours, label)`);
    await db.run(`CREATE TABLE chans AS SELECT * FROM (VALUES ${valuesTable(CHANNELS.map((c) => [c[0], c[2]]))}) t(channel, response_minutes)`);
    const endTs = `TIMESTAMP ${lit(`${iso(new Date(end.getTime() + 86_400_000))} 00:00:00`)}`;
    await db.run(`CREATE TABLE tickets_routed AS
      WITH d AS (
        SELECT i, DATE ${lit(iso(start))} + floor(u(i, 1) * ${days})::INT AS day0 FROM range(${opts.tickets}) r(i)),
      d2 AS (
        SELECT i, least(DATE ${lit(iso(end))}, CASE WHEN dayofweek(day0) IN (0, 6) AND u(i, 2) < 0.7
            THEN day0 + CASE dayofweek(day0) WHEN 6 THEN 2 ELSE 1 END ELSE day0 END) AS day
        FROM d),
      c AS (
        SELECT i, day,
          day + to_microseconds(CAST(3600e6 * CASE WHEN u(i, 3) < 0.86 THEN least(greatest(13.2 + 2.9 * zn(i, 10), 7.6), 21.8)
                                                  ELSE u(i, 4) * 23.99 END AS BIGINT)) AS created,
          ${catCase} AS category, ${chanCase} AS channel
        FROM d2),
      c2 AS (
        SELECT c.*, ${prioCase} AS priority,
          ((year(day) - ${start.getUTCFullYear()}) * 12 + month(day) - ${start.getUTCMonth() + 1})::INT AS month_idx,
          category IN (${hardList}) AS hard
        FROM c),
      routed AS (
        SELECT c2.*, CASE WHEN hard AND u(i, 12) < 0.55 THEN ${lit(hardTeam)} ELSE ${pick("u(i, 13)", softTeams)} END AS team_id
        FROM c2)
      SELECT r.*, floor(u(r.i, 14) * tm.nslots)::INT AS slot_a, floor(u(r.i, 15) * tm.nslots)::INT AS slot_0
      FROM routed r JOIN team_month tm USING (team_id, month_idx)`);
    // plain equality joins on materialized slot numbers keep the plan a hash join at any size
    await db.run(`CREATE TABLE tickets AS
      WITH assigned AS (
        SELECT r.*, s.agent_id AS assignee, s0.agent_id AS first_assignee
        FROM tickets_routed r
        JOIN agent_slots s ON s.team_id = r.team_id AND s.month_idx = r.month_idx AND s.slot = r.slot_a
        JOIN agent_slots s0 ON s0.team_id = r.team_id AND s0.month_idx = r.month_idx AND s0.slot = r.slot_0),
      timed AS (
        SELECT a.*, am.skill, p.sla_hours, p.label AS priority_label, cats.subject AS subject_text,
          (u(i, 16) < CASE WHEN hard THEN 0.26 ELSE 0.09 END AND first_assignee <> assignee) AS reassigned,
          exp(ln(ch.response_minutes * p.factor ** 0.5) - 0.5 * ln(am.skill) + 0.75 * zn(i, 18)) AS frt_minutes,
          exp(ln(cats.base_hours * p.factor) - 1.15 * ln(am.skill) + 0.85 * zn(i, 20)) AS handling_hours,
          least(0.2, greatest(0.005, 0.028 + 0.1 * (1.05 - am.skill))) AS p_reopen
        FROM assigned a
        JOIN agent_month am ON am.agent_id = a.assignee AND am.month_idx = a.month_idx
        JOIN prios p USING (priority) JOIN chans ch USING (channel) JOIN cats USING (category)),
      events AS (
        SELECT t.*,
          CASE WHEN u(i, 22) < p_reopen THEN CASE WHEN u(i, 23) < 0.15 THEN 2 ELSE 1 END ELSE 0 END AS reopens,
          u(i, 24) < 0.006 AS never_answered
        FROM timed t),
      resolved AS (
        SELECT e.*,
          CASE WHEN never_answered THEN NULL ELSE created + to_microseconds(CAST(frt_minutes * 60e6 AS BIGINT)) END AS first_response_at,
          created + to_microseconds(CAST(3600e6 * (greatest(handling_hours, frt_minutes / 60 + 0.05)
            + reopens * exp(ln(10) + 0.8 * zn(i, 26))) AS BIGINT)) AS resolved_candidate
        FROM events e)
      SELECT i, 'TK-' || (100000 + i) AS ticket_id, created, category, channel, priority, priority_label, team_id, assignee,
        CASE WHEN reassigned THEN first_assignee ELSE assignee END AS first_responder,
        CASE WHEN reassigned THEN 1 + (u(i, 28) < 0.2)::INT ELSE 0 END AS reassign_count,
        reopens, skill, hard, sla_hours, subject_text, month_idx,
        CASE WHEN first_response_at < ${endTs} THEN first_response_at END AS first_response_at,
        CASE WHEN resolved_candidate < ${endTs} THEN resolved_candidate END AS resolved_at,
        created + to_microseconds(CAST(sla_hours * 3600e6 AS BIGINT)) AS sla_due
      FROM resolved`);

    await db.run(`CREATE TABLE tickets_final AS
      SELECT t.*,
        CASE WHEN resolved_at + INTERVAL 72 HOUR < ${endTs} THEN resolved_at + INTERVAL 72 HOUR END AS closed_at,
        CASE WHEN resolved_at IS NULL THEN CASE WHEN u(i, 30) < 0.6 THEN 'Open' WHEN u(i, 30) < 0.9 THEN 'Pending' ELSE 'On-hold' END
             WHEN resolved_at + INTERVAL 72 HOUR < ${endTs} THEN 'Closed' ELSE 'Solved' END AS status,
        coalesce(resolved_at, ${endTs}) > sla_due AS sla_breached,
        u(i, 31) < (0.004 + 0.03 * greatest(0, 1 - skill) + 0.012 * (reopens > 0)::INT
                     + 0.008 * (coalesce(resolved_at, ${endTs}) > sla_due)::INT) AS complaint,
        'CU' || lpad(CAST(floor(u(i, 32) ** 1.6 * greatest(50, ${Math.round(opts.tickets / 8)}))::BIGINT AS VARCHAR), 6, '0') AS customer_id
      FROM tickets t`);
    await db.run(`ALTER TABLE tickets_final ADD COLUMN updated_at TIMESTAMP;
      UPDATE tickets_final SET updated_at = coalesce(closed_at, resolved_at, first_response_at, created) + INTERVAL 1 MINUTE`);

    step("ticket exports", 3, TOTAL);
    const ticketColumns = (alias: string, snapshot: boolean) => `
        ticket_id AS "Ticket ID",
        strftime(created, '%Y-%m-%d %H:%M:%S') AS "Created",
        strftime(${snapshot ? `CASE WHEN first_response_at <= ${alias}.snap_at THEN first_response_at END` : "first_response_at"}, '%Y-%m-%d %H:%M:%S') AS "First Response",
        strftime(${snapshot ? "NULL::TIMESTAMP" : "resolved_at"}, '%Y-%m-%d %H:%M:%S') AS "Resolved",
        strftime(${snapshot ? "NULL::TIMESTAMP" : "closed_at"}, '%Y-%m-%d %H:%M:%S') AS "Closed",
        strftime(${snapshot ? `${alias}.snap_at` : "updated_at"}, '%Y-%m-%d %H:%M:%S') AS "Last Updated",
        ${snapshot ? "CASE WHEN first_response_at <= snap_at THEN 'Pending' ELSE 'Open' END" : "status"} AS "Status",
        priority_label AS "Priority", category AS "Category", channel AS "Channel",
        t.team_id AS "Queue",
        assignee AS "Assignee",
        ${snapshot ? "CASE WHEN first_response_at <= snap_at THEN first_responder END" : "first_responder"} AS "First Responder",
        ${snapshot ? "NULL" : "CASE WHEN resolved_at IS NOT NULL THEN assignee END"} AS "Resolved By",
        ${snapshot ? "0" : "reassign_count"} AS "Reassignments",
        ${snapshot ? "0" : "reopens"} AS "Reopens",
        strftime(sla_due, '%Y-%m-%d %H:%M:%S') AS "SLA Due",
        CASE WHEN ${snapshot ? "snap_at > sla_due" : "sla_breached"} THEN 'Yes' ELSE 'No' END AS "SLA Breached",
        CASE WHEN ${snapshot ? "false" : "complaint"} THEN 'Yes' ELSE 'No' END AS "Complaint",
        CASE WHEN ${snapshot ? "false" : "complaint AND u(i, 33) < 0.9"} THEN assignee END AS "Complaint Against",
        customer_id AS "Customer ID",
        'client' || substr(customer_id, 3) || '@' || ['example-customer.cn', 'mail.example.com', 'corp.example.net'][1 + (hash(customer_id) % 3)::INT] AS "Customer Email",
        '+86 13' || (hash(customer_id) % 10)::VARCHAR || ' ' || lpad(((hash(customer_id) >> 8) % 100000000)::VARCHAR, 8, '0') AS "Customer Phone",
        subject_text || ' (' || ticket_id || ')' AS "Subject"`;
    if (opts.singleFile) {
      const f = path.join(out, "helpdesk", "tickets.csv");
      await db.run(`COPY (SELECT ${ticketColumns("t", false)} FROM tickets_final t ORDER BY created) TO ${lit(f)} (HEADER, DELIMITER ',')`);
      files.push(f);
    } else {
      // Monthly incremental exports: a ticket still open at the end of the month it was created in appears in that
      // month's export as open or pending, and again, resolved, in the month of its last update.
      await db.run(`CREATE TABLE snapshots AS
        SELECT t.*, least(coalesce(first_response_at, created) + INTERVAL 5 MINUTE,
                          date_trunc('month', created) + INTERVAL 1 MONTH - INTERVAL 1 MINUTE) AS snap_at
        FROM tickets_final t
        WHERE date_trunc('month', updated_at) > date_trunc('month', created)`);
      const monthsList = await db.all<{ m: string }>("SELECT strftime(month_start, '%Y-%m') AS m FROM months ORDER BY 1");
      for (const { m } of monthsList) {
        const f = path.join(out, "helpdesk", `tickets-${m}.csv`);
        await db.run(`COPY (
          SELECT * EXCLUDE (_o) FROM (
            SELECT ${ticketColumns("t", false)}, updated_at AS _o FROM tickets_final t WHERE strftime(updated_at, '%Y-%m') = ${lit(m)}
            UNION ALL
            SELECT ${ticketColumns("t", true)}, snap_at AS _o FROM snapshots t WHERE strftime(created, '%Y-%m') = ${lit(m)}
          ) ORDER BY _o) TO ${lit(f)} (HEADER, DELIMITER ',')`);
        files.push(f);
      }
    }

    step("roster export", 4, TOTAL);
    // The HR system exports the roster from Chinese Excel: GBK, Chinese headers, dates like 2024/03/15.
    const rosterCsv = await db.all<Record<string, string | null>>(`
      SELECT agent_id AS 工号, name_zh AS 姓名, name_en AS 英文名, email AS 邮箱, login AS 系统账号, ${lit(DEPARTMENT_ZH)} AS 部门,
        team_zh AS 团队, CASE role WHEN 'lead' THEN '组长' ELSE '技术支持工程师' END AS 岗位, manager_id AS 直属上级工号,
        strftime(hire_date, '%Y/%m/%d') AS 入职日期, strftime(leave_date, '%Y/%m/%d') AS 离职日期
      FROM agents ORDER BY agent_id`);
    const rosterFile = path.join(out, "hr", "roster.csv");
    // the roster shows each agent's current team and manager (after any move)
    const current = new Map(plan.agents.filter((a) => a.moves.length).map((a) => [a.agent_id, a.moves.at(-1)!]));
    for (const r of rosterCsv) {
      const m = current.get(r.工号 as string);
      if (m) Object.assign(r, { 团队: m.team_zh, 直属上级工号: m.manager_id });
    }
    writeFileSync(rosterFile, iconv.encode(toCsv(rosterCsv), "gbk"));
    files.push(rosterFile);
    // and the HR system's transfer records (人事异动): one row per move, with where the agent was before
    const changes = await db.all<Record<string, string | null>>(`
      SELECT mv.agent_id AS 工号, a.name_zh AS 姓名, strftime(mv.from_date, '%Y/%m/%d') AS 生效日期, '调岗' AS 异动类型,
        ${lit(DEPARTMENT_ZH)} AS 原部门, coalesce(lag(mv.team_zh) OVER (PARTITION BY mv.agent_id ORDER BY mv.from_date), a.team_zh) AS 原团队,
        ${lit(DEPARTMENT_ZH)} AS 新部门, mv.team_zh AS 新团队, mv.manager_id AS 新直属上级工号
      FROM moves mv JOIN agents a USING (agent_id) ORDER BY mv.from_date, mv.agent_id`);
    // written even without moves (a short demo has none): the HR system exports its header and no rows
    const changesFile = path.join(out, "hr", "roster-changes.csv");
    const changeColumns = ["工号", "姓名", "生效日期", "异动类型", "原部门", "原团队", "新部门", "新团队", "新直属上级工号"];
    writeFileSync(changesFile, iconv.encode(toCsv(changes, changeColumns), "gbk"));
    files.push(changesFile);
    if (opts.ticketsOnly) {
      return writeManifest(out, opts, start, end, plan, files);
    }

    step("csat", 5, TOTAL);
    await db.run(`CREATE TABLE csat AS
      SELECT i, ticket_id, assignee, resolved_at + to_microseconds(CAST(3600e6 * exp(ln(5) + 1.1 * zn(i, 41)) AS BIGINT)) AS submitted,
        least(5, greatest(1, round(4.3 + 1.6 * (skill - 1)
          - 0.3 * ln(greatest(0.05, extract(epoch FROM resolved_at - created) / 3600) / (CASE WHEN hard THEN 24 ELSE 4 END))
          - 0.7 * (reopens > 0)::INT - 0.5 * sla_breached::INT + 0.8 * zn(i, 43))))::INT AS rating,
        u(i, 45) AS u_comment, u(i, 46) AS u_agent, customer_id
      FROM tickets_final WHERE resolved_at IS NOT NULL AND u(i, 40) < CASE channel WHEN 'chat' THEN 0.2 WHEN 'email' THEN 0.13 ELSE 0.15 END`);
    await db.run(`DELETE FROM csat WHERE submitted >= ${endTs}`);
    const csatMonths = await db.all<{ m: string }>("SELECT DISTINCT strftime(submitted, '%Y-%m') AS m FROM csat ORDER BY 1");
    for (const { m } of csatMonths) {
      const f = path.join(out, "survey", `csat-${m}.ndjson`);
      await db.run(`COPY (
        SELECT 'CS-' || (500000 + i) AS response_id, ticket_id AS ticket, CASE WHEN u_agent < 0.93 THEN assignee END AS agent,
          strftime(timezone('UTC', timezone(${lit(tz)}, submitted)), '%Y-%m-%dT%H:%M:%SZ') AS submitted, rating,
          CASE WHEN u_comment < 0.3 THEN ['Thanks, quick and clear', 'Took too long to get an answer', 'Problem solved on the first call',
            'Had to explain the issue twice', 'Very patient engineer'][1 + (i % 5)::INT] || ' - ref ' || ticket_id END AS comment,
          'client' || substr(customer_id, 3) || '@example-customer.cn' AS customer_email
        FROM csat WHERE strftime(submitted, '%Y-%m') = ${lit(m)} ORDER BY submitted) TO ${lit(f)} (FORMAT json)`);
      files.push(f);
    }

    step("quality audits", 6, TOTAL);
    const qaFile = path.join(out, "qa", "quality-audits.parquet");
    await db.run(`COPY (
      SELECT 'QA-' || (700000 + i) AS audit_id, ticket_id, assignee AS agent_id,
        (resolved_at + INTERVAL 2 DAY)::TIMESTAMP AS audited_at,
        'QA-REV-' || (1 + hash(i) % 5)::VARCHAR AS reviewer,
        least(100, greatest(20, round(80 + 30 * (skill - 1) + 8 * zn(i, 51)))) AS score,
        CASE WHEN least(100, greatest(20, round(80 + 30 * (skill - 1) + 8 * zn(i, 51)))) < 45 THEN 'critical'
             WHEN least(100, greatest(20, round(80 + 30 * (skill - 1) + 8 * zn(i, 51)))) < 60 THEN 'major'
             WHEN least(100, greatest(20, round(80 + 30 * (skill - 1) + 8 * zn(i, 51)))) < 75 THEN 'minor' ELSE 'none' END AS severity
      FROM tickets_final WHERE resolved_at IS NOT NULL AND resolved_at + INTERVAL 2 DAY < ${endTs} AND u(i, 50) < 0.03
      ORDER BY audited_at) TO ${lit(qaFile)} (FORMAT parquet)`);
    files.push(qaFile);

    step("360 reviews", 7, TOTAL);
    await db.run(`CREATE TABLE quarters AS
      SELECT DISTINCT year(month_start) || '-Q' || quarter(month_start) AS period, min(month_idx) OVER (PARTITION BY year(month_start), quarter(month_start)) AS q_first,
        max(month_idx) OVER (PARTITION BY year(month_start), quarter(month_start)) AS q_last
      FROM months`);
    await db.run(`CREATE TABLE agent_quarter AS
      WITH per_team AS (
        -- a mover's quarter belongs to the team of most of its months (on a tie, the later one)
        SELECT q.period, am.agent_id, am.team_id, am.manager_id, sum(am.active_share) * 1000 + max(am.month_idx) AS weight
        FROM quarters q JOIN agent_month am ON am.month_idx BETWEEN q.q_first AND q.q_last GROUP BY ALL),
      main AS (SELECT period, agent_id, arg_max(team_id, weight) AS team_id, arg_max(manager_id, weight) AS manager_id FROM per_team GROUP BY ALL)
      SELECT q.period, am.agent_id, avg(am.skill) AS skill, sum(am.active_share) AS active_months, any_value(a.agent_no) AS agent_no,
        any_value(a.role) AS role, any_value(m.team_id) AS team_id, any_value(m.manager_id) AS manager_id
      FROM quarters q JOIN agent_month am ON am.month_idx BETWEEN q.q_first AND q.q_last JOIN agents a USING (agent_id)
      JOIN main m ON m.period = q.period AND m.agent_id = am.agent_id
      GROUP BY q.period, am.agent_id HAVING sum(am.active_share) >= 1.5`);
    await db.run(`CREATE TABLE rater_slots AS SELECT * FROM (VALUES
        ('self', 1, 0.35), ('supervisor', 1, 0.0), ('peer', 5, -0.1), ('subordinate', 4, 0.1), ('customer', 4, -0.05), ('other_department', 3, -0.15)
      ) t(relation, slots, bias)`);
    await db.run(`CREATE TABLE dims AS SELECT * FROM (VALUES ('skill', 1), ('attitude', 2), ('teamwork', 3), ('professionalism', 4), ('innovation', 5)) t(dimension, d)`);
    await db.run(`CREATE TABLE reviews AS
      WITH raters AS (
        SELECT aq.*, rs.relation, rs.bias, s AS slot,
          (aq.agent_no * 100000 + hash(aq.period) % 1000 * 100 + rs.slots * 10 + s)::BIGINT AS rkey
        FROM agent_quarter aq CROSS JOIN rater_slots rs, range(rs.slots) r(s)
        WHERE (rs.relation <> 'subordinate' OR aq.role = 'lead')
          AND (rs.relation NOT IN ('peer', 'customer', 'other_department') OR s < 2
               OR u(2000000000 + aq.agent_no * 1000 + s, hash(aq.period || rs.relation) % 50) < 0.75))
      SELECT r.period, r.agent_id, r.relation,
        CASE WHEN r.relation IN ('customer') THEN 'RSP-C' ELSE 'RSP-' END || upper(substr(md5(r.period || r.agent_id || r.relation || r.slot || ${opts.seed}), 1, 10)) AS rater_id,
        d.dimension,
        least(5, greatest(1, round(3.85 + 1.5 * (r.skill - 1) + r.bias
          + CASE WHEN r.relation = 'supervisor' THEN coalesce((SELECT leniency FROM agents m WHERE m.agent_id = r.manager_id), 0) ELSE 0 END
          + 0.65 * zn(3000000000 + r.rkey * 8 + d.d, 1))))::INT AS score
      FROM raters r CROSS JOIN dims d`);
    const relZh = "CASE relation WHEN 'self' THEN '自评' WHEN 'supervisor' THEN '上级' WHEN 'peer' THEN '同事' WHEN 'subordinate' THEN '下级' WHEN 'customer' THEN '客户' ELSE '跨部门' END";
    const dimZh = "CASE dimension WHEN 'skill' THEN '专业技能' WHEN 'attitude' THEN '服务态度' WHEN 'teamwork' THEN '团队协作' WHEN 'professionalism' THEN '职业素养' ELSE '创新能力' END";
    const reviewPeriods = await db.all<{ period: string }>("SELECT DISTINCT period FROM reviews ORDER BY 1");
    for (const { period } of reviewPeriods) {
      const f = path.join(out, "survey", `review360-${period}.csv`);
      // a survey tool's Excel export: UTF-8 with a byte-order mark, Chinese headers and labels
      await db.run(`COPY (SELECT period AS 评估周期, agent_id AS 被评价人工号, rater_id AS 评价人编号, ${relZh} AS 评价关系, ${dimZh} AS 评价维度, score AS 得分
        FROM reviews WHERE period = ${lit(period)} ORDER BY agent_id, relation, rater_id, dimension) TO ${lit(f)} (HEADER)`);
      writeFileSync(f, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(f)]));
      files.push(f);
    }

    step("cross-department survey", 8, TOTAL);
    await db.run(`CREATE TABLE collab AS
      SELECT aq.period, aq.agent_id, s,
        ['销售部', '研发中心', '产品部', '财务部', '运营部'][1 + (hash(aq.agent_id || aq.period || s) % 5)::INT] AS dept,
        least(5, greatest(1, round(3.8 + 1.2 * (aq.skill - 1) + 0.8 * zn(4000000000 + aq.agent_no * 1000 + s * 50 + hash(aq.period) % 40, 1))))::INT AS score
      FROM agent_quarter aq, range(2 + (hash(aq.agent_id || aq.period) % 3)::INT) r(s)`);
    for (const { period } of reviewPeriods) {
      const rows = await db.all<Record<string, string | number | null>>(`
        SELECT 'WJX-' || upper(substr(md5(period || agent_id || s), 1, 8)) AS 答卷编号, period AS 季度, dept AS 所在部门, agent_id AS 被评价人工号,
          CASE score WHEN 5 THEN '非常满意' WHEN 4 THEN '满意' WHEN 3 THEN '一般' WHEN 2 THEN '不满意' ELSE '非常不满意' END AS 满意度,
          CASE WHEN hash(agent_id || s) % 4 = 0 THEN '响应及时，沟通顺畅（' || agent_id || '）' END AS 意见建议
        FROM collab WHERE period = ${lit(period)} ORDER BY agent_id, s`);
      const f = path.join(out, "survey", `collab-${period}.csv`);
      writeFileSync(f, iconv.encode(toCsv(rows), "gbk"));
      files.push(f);
    }

    step("trainings and certifications", 9, TOTAL);
    const trainings = await db.all<Record<string, unknown>>(`
      SELECT 'TR-' || (agent_no * 1000 + month_idx * 10 + k) AS id, am.agent_id AS employee_no,
        ['Advanced troubleshooting', 'Customer communication', 'Linux administration', 'Database performance', 'Product release training',
         'Network fundamentals', 'ITIL practices'][1 + ((agent_no + month_idx + k) % 7)::INT] AS course,
        round(2 + 10 * u(5000000000 + agent_no * 1000 + month_idx, k)) AS hours,
        strftime(m.month_start + (hash(agent_no * 31 + month_idx) % 27)::INT, '%Y-%m-%d') AS completed
      FROM agent_month am JOIN agents USING (agent_id) JOIN months m USING (month_idx), range(2) r(k)
      WHERE u(5100000000 + agent_no * 1000 + month_idx, k) < CASE pattern WHEN 'improving' THEN 0.55 WHEN 'declining' THEN 0.12 ELSE 0.28 END * am.active_share
      ORDER BY completed, id`);
    const trFile = path.join(out, "lms", "trainings.json");
    writeFileSync(trFile, `${JSON.stringify({ exported_at: `${iso(end)}T15:00:00Z`, records: trainings.map(plainNumbers) }, null, 1)}\n`);
    files.push(trFile);
    const certRows = await db.all<Record<string, string | null>>(`
      SELECT 'CE-' || (agent_no * 100 + month_idx) AS "Record", am.agent_id AS "Employee No",
        ['ITIL 4 Foundation', 'AWS Solutions Architect Associate', 'Red Hat RHCSA', 'Cisco CCNA', 'Huawei HCIA-Datacom', 'Alibaba Cloud ACP'][1 + ((agent_no * 7 + month_idx) % 6)::INT] AS "Certification",
        ['Associate', 'Professional', 'Foundation'][1 + (month_idx % 3)::INT] AS "Level",
        strftime(m.month_start + 12, '%Y-%m-%d') AS "Obtained"
      FROM agent_month am JOIN agents USING (agent_id) JOIN months m USING (month_idx)
      WHERE u(5200000000 + agent_no * 1000 + month_idx, 1) < CASE pattern WHEN 'improving' THEN 0.16 WHEN 'declining' THEN 0.02 ELSE 0.08 END
      ORDER BY "Obtained", "Record"`);
    const ceFile = path.join(out, "lms", "certifications.csv");
    writeFileSync(ceFile, toCsv(certRows));
    files.push(ceFile);

    step("contributions", 10, TOTAL);
    const ideasFile = path.join(out, "ideas", "contributions.ndjson");
    await db.run(`COPY (
      SELECT 'ID-' || (agent_no * 1000 + month_idx * 10 + k) AS id, am.agent_id AS author,
        CASE WHEN k = 0 THEN 'knowledge_share' ELSE 'proposal' END AS type,
        CASE WHEN k = 0 THEN 'KB article: ' ELSE 'Process proposal: ' END || ['ticket triage', 'escalation checklist', 'VPN diagnostics', 'billing FAQ', 'handover template'][1 + ((agent_no + month_idx) % 5)::INT] AS title,
        strftime(m.month_start + (hash(agent_no * 17 + month_idx) % 27)::INT, '%Y-%m-%d') AS date,
        CASE WHEN k = 1 THEN least(5, greatest(1, round(3 + 2 * (am.skill - 1) + zn(5300000000 + agent_no * 1000 + month_idx, 3)))) END AS rating,
        CASE WHEN k = 1 THEN u(5300000000 + agent_no * 1000 + month_idx, 5) < 0.4 END AS adopted
      FROM agent_month am JOIN agents USING (agent_id) JOIN months m USING (month_idx), range(2) r(k)
      WHERE u(5300000000 + agent_no * 1000 + month_idx, 10 + k) < CASE WHEN k = 0 THEN 0.22 ELSE 0.1 END * am.active_share * CASE pattern WHEN 'improving' THEN 2 ELSE 1 END
      ORDER BY date, id) TO ${lit(ideasFile)} (FORMAT json)`);
    files.push(ideasFile);

    // the staff's opinion survey on the scheme (问卷星, GBK), run in the last two weeks of the last two quarters: per
    // indicator 公平 / 不清楚 / 不公平 (the certifications are the sore point) and free text; about four in five answer
    step("opinion survey", 11, TOTAL);
    const OPINION_ROWS: Array<[string, string, number, number]> = [
      ["工单解决量", "tickets_resolved", 0.55, 0.15],
      ["解决速度（按工单结构校正）", "resolution_speed_vs_expected", 0.5, 0.35],
      ["首次响应", "first_response", 0.65, 0.2],
      ["回访满意度", "followup_satisfaction", 0.6, 0.25],
      ["专业认证", "certifications", 0.25, 0.15],
      ["培训学时", "training_hours", 0.55, 0.2],
      ["360 专业技能评价", "skill_rating_360", 0.45, 0.35],
      ["客户满意度", "csat", 0.7, 0.15],
    ];
    const COMMENTS = [
      "专业认证的考试名额太少，认证权重偏高，对没有考试预算的同事不公平。",
      "工单解决量的目标偏高，夜班的工单少。",
      "希望降低专业认证的权重，培训学时更实际。",
      "首次响应的计算方式不清楚，是否包含夜班？",
      "专业认证应该和岗位需要挂钩。",
      "回访满意度样本太少，波动大。",
      "解决速度按工单结构校正以后公平多了。",
      "360 评价的同事评分不清楚是怎么算的。",
      "工单解决量应该考虑工单难度。",
      "专业认证费用公司不报销，权重应降低。",
      "客户满意度有时和工程师无关。",
      "考核方案整体比较清楚。",
    ];
    const verdict = (k: number, fair: number, unclear: number) =>
      `CASE WHEN u(6000000000 + agent_no * 1000 + qi, ${k}) < ${fair} THEN '公平' WHEN u(6000000000 + agent_no * 1000 + qi, ${k}) < ${fair + unclear} THEN '不清楚' ELSE '不公平' END`;
    for (const [qi, { period }] of reviewPeriods.slice(-2).entries()) {
      const rows = await db.all<Record<string, string | number | null>>(`
        WITH r AS (
          SELECT aq.agent_id, aq.agent_no, a.team_zh, ${qi} AS qi, q.q_last,
            (SELECT month_start FROM months WHERE month_idx = q.q_last) AS last_month
          FROM agent_quarter aq JOIN agents a USING (agent_id) JOIN quarters q ON q.period = aq.period
          WHERE aq.period = ${lit(period)} AND u(6000000000 + aq.agent_no * 1000 + ${qi}, 1) < 0.8
        ),
        s AS (
          SELECT *, last_month + INTERVAL 14 DAY + to_minutes(CAST(u(6000000000 + agent_no * 1000 + qi, 2) * 14 * 600 AS BIGINT) + 540) AS submitted
          FROM r
        )
        SELECT row_number() OVER (ORDER BY submitted, agent_id) AS 序号, strftime(submitted, '%Y/%m/%-d %H:%M:%S') AS 提交答卷时间,
          (40 + hash(agent_id || qi) % 200)::VARCHAR || '秒' AS 所用时间, '手机提交' AS 来源, '直接访问' AS 来源详情,
          '10.' || (hash(agent_id) % 250)::VARCHAR || '.' || (hash(agent_id || 'ip') % 250)::VARCHAR || '.' || (agent_no % 250)::VARCHAR || ' (上海-上海)' AS 来自IP,
          team_zh AS "1、您所在的团队",
          ${OPINION_ROWS.map(([zh, , fair, unclear], k) => `${verdict(10 + k, fair, unclear)} AS "2(${zh})"`).join(", ")},
          CASE WHEN u(6000000000 + agent_no * 1000 + qi, 3) < 0.6 THEN ${lit(COMMENTS[0]!)} END AS x
        FROM s ORDER BY submitted, agent_id`);
      // the comment: one of the templates by a draw per respondent (the CASE above only decides whether there is one)
      for (const r of rows) {
        const has = r.x !== null;
        delete r.x;
        r["3、您对考核方案的其他意见或建议"] = has ? COMMENTS[Number(r["序号"]) * 7 % COMMENTS.length]! : "";
      }
      const f = path.join(out, "survey", `opinion-${period}.csv`);
      writeFileSync(f, iconv.encode(toCsv(rows), "gbk"));
      files.push(f);
    }
    return writeManifest(out, opts, start, end, plan, files);
  } finally {
    db.close();
    rmSync(path.join(out, ".tmp"), { recursive: true, force: true });
  }
}

function plainNumbers(r: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v]));
}

function writeManifest(out: string, opts: DemoOptions, start: Date, end: Date, plan: RosterPlan, files: string[]): DemoManifest {
  // the exports were written just after the data ends (the morning after its last day): that is what they cover, not
  // the moment this generator ran (a period is complete by the sources' coverage; see models/metrics/periods.sql)
  const exported = new Date(Date.parse(`${iso(end)}T00:00:00Z`) + 86_400_000);
  for (const f of files) utimesSync(f, exported, exported);
  const manifest: DemoManifest = {
    seed: opts.seed,
    agents: opts.agents,
    tickets: opts.tickets,
    months: opts.months,
    start: iso(start),
    end: iso(end),
    planted: {
      ...plan.planted,
      note: `improving: skill rises every month; declining: falls in each of the last three full quarters; new hire: joined 11 days before the end; hard queue: ${plan.planted.hardQueueTeam} receives most integration, database, network and outage tickets; lenient lead rates their team higher in 360 reviews; movers change teams in the last months (hr/roster-changes.csv), and each period credits the team they were in then`,
    },
    files: files.map((f) => path.relative(out, f)),
  };
  writeFileSync(path.join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** RFC 4180 CSV of small tables (the roster, the survey) that are written through iconv-lite. */
/** Rows as CSV with CRLF line ends; with no rows, the header of `columns` alone (or nothing without them). */
export function toCsv(rows: Array<Record<string, unknown>>, columns?: string[]): string {
  if (!rows.length) return columns ? `${columns.join(",")}\r\n` : "";
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return "";
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `${[cols.map(cell).join(","), ...rows.map((r) => cols.map((c) => cell(r[c])).join(","))].join("\r\n")}\r\n`;
}

export { DEPARTMENT_MANAGER };
