/**
 * What changed since the last successful run, and which periods it touches: the first step of an incremental
 * refresh, and what `appraisal status` says about the last run. Each run records the inputs it includes (the last
 * batch, the last appeal correction, the hash of every scheme version) in meta.runs.detail; the next run compares.
 *   - a ticket batch touches the months (and their quarters and years) of every version of the tickets it carries:
 *     the month each was created in and the month it was resolved in, old version and new (a late correction moves a
 *     ticket out of one period and into another);
 *   - a batch of survey responses (csat), quality audits, trainings, certifications or contributions touches the
 *     month of every version of the records it carries (the month each was answered, audited, completed, obtained or
 *     submitted in); so does an appeal correction on a response or an audit;
 *   - an appeal correction on a ticket touches that ticket's periods;
 *   - anything else is not traced to periods yet and touches every period: a roster, the 360 reviews or another
 *     source, a file read again under a changed mapping (the rows it gave before are deleted, so their periods are
 *     unknown), a scheme's text, the models' code, the working calendar, and the acts and records the models read
 *     besides batches (committee decisions, tracker exclusions, quarantine resolutions and rechecks that change which
 *     rows are in force; a quarantined row that a new batch supersedes with a good copy is that batch's change, traced
 *     with its records). An API source's cursor moving on is not among them: it moves the periods' coverage, and
 *     mart.periods, built in full and compared in a refresh, brings the periods it moved in (pipelines/incremental.ts).
 * Periods depend on each other beyond that: the department-relative scores and ranks of a touched period, the next
 * period's changes (trends), and the bottom-20% tracker from the earliest touched quarter on.
 */
import { CONTRACTS } from "../core/contracts/tables.ts";
import type { Warehouse } from "../core/db/warehouse.ts";
import { SUPERSEDING_BATCH_SQL } from "../core/quarantine.ts";

export interface RunInputs {
  batches_upto: number;
  corrections_upto: number;
  /** scheme id -> version -> sha256 of its text */
  schemes: Record<string, Record<string, string>>;
  /** sha256 of the models' code and the calendar; md5 of the other records the models read (see above) */
  code?: string;
  records?: string;
  /** rows set aside per raw table among the batches up to batches_upto */
  set_aside?: string;
}

export interface InputChanges {
  /** the run compared with, or null (the first run) */
  since_run: number | null;
  /** why every period counts as touched, or null when the changes were traced to periods */
  everything: string | null;
  /** per source: the new batches and the periods their rows touch */
  sources: Array<{ source: string; table: string; batches: number; rows: number; periods: string[] }>;
  /** new appeal corrections (on a ticket, or on the survey response or audit record_id) and the periods they touch */
  corrections: Array<{ correction_id: number; kind: string; ticket_id: string | null; record_id?: string; periods: string[] }>;
  /** every touched period: months, quarters and years, in order */
  periods: string[];
  /** periods after the touched ones whose results read them: the tracker from this quarter on, trends */
  tracker_from: string | null;
}

/** The small meta tables the models read besides batches. (meta.source_cursors is read by mart.periods alone, which a
 *  refresh builds in full and compares: a cursor that moved a period's coverage brings that period in.) */
const RECORDS_SQL = `SELECT md5(coalesce(string_agg(x, '|' ORDER BY x), '')) FROM (
  SELECT 'c' || t::VARCHAR AS x FROM meta.committee_decisions t
  UNION ALL SELECT 'e' || t::VARCHAR FROM meta.tracker_exclusions t
  UNION ALL SELECT 'o' || count(*)::VARCHAR FROM meta.opinion_terms)`;

/** Records counted in the month of their one dated event (agent_metrics, input_events, input_records): a batch of
 *  them is traced by its contract's key and event field (core/contracts/tables.ts). */
const DATED_RECORDS = new Set(["csat", "quality_audits", "trainings", "certifications", "contributions"]);
const keyOf = (table: string) => CONTRACTS[table]!.key[0]!;

/** The months of every version of the given records (`ids`: a query of their keys), in the warehouse's time zone. */
async function recordMonths(wh: Warehouse, table: string, ids: string): Promise<string[]> {
  const [key, at] = [keyOf(table), CONTRACTS[table]!.events![0]!.field];
  const rows = await wh.all<{ m: string }>(
    `SELECT DISTINCT strftime(${at}, '%Y-%m') AS m FROM raw.${table} WHERE ${key} IN (${ids}) AND NOT _bad AND ${at} IS NOT NULL ORDER BY m`,
  );
  return rows.map((r) => r.m);
}

/** Rows set aside (quarantined, or let back in) among the rows of batches up to `upto`, per raw table: a quarantine
 *  act changes these, and so does a later batch that supersedes a quarantined row with a good copy at least as new
 *  (the row goes). `superseded`: count back the rows that the batches after `upto`, up to `superseded.upto`,
 *  superseded so (their quarantine lines name the batch, core/quarantine.ts): that change is the batch's, traced with
 *  its records, not a quarantine act. */
async function setAside(wh: Warehouse, upto: number, superseded?: { upto: number }): Promise<string> {
  const raw = await wh.all<{ t: string }>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'raw' ORDER BY 1");
  if (!raw.length) return "";
  const back = (t: string) =>
    superseded
      ? ` + (SELECT count(DISTINCT (batch_id, record)) FROM meta.quarantine WHERE target_table = '${t}' AND batch_id <= ${upto}
           AND ${SUPERSEDING_BATCH_SQL} > ${upto} AND ${SUPERSEDING_BATCH_SQL} <= ${superseded.upto})`
      : "";
  return (
    (await wh.value<string | null>(
      `SELECT string_agg(x, ' ' ORDER BY x) FROM (${raw
        .map(({ t }) => `SELECT '${t}:' || (count(*) FILTER (WHERE _bad)${back(t)})::VARCHAR AS x FROM raw.${t} WHERE _batch_id <= ${upto}`)
        .join(" UNION ALL ")})`,
    )) ?? ""
  );
}

export async function currentInputs(
  wh: Warehouse,
  schemes: Array<{ scheme: { id: string }; hashes: Record<string, string> }>,
  code: string,
): Promise<RunInputs> {
  const batchesUpto = Number(await wh.value("SELECT coalesce(max(batch_id), 0) FROM meta.batches"));
  return {
    batches_upto: batchesUpto,
    corrections_upto: Number(await wh.value("SELECT coalesce(max(correction_id), 0) FROM meta.corrections")),
    schemes: Object.fromEntries(schemes.map((s) => [s.scheme.id, s.hashes])),
    code,
    records: (await wh.value<string>(RECORDS_SQL)) ?? "",
    set_aside: await setAside(wh, batchesUpto),
  };
}

/** A period's type from its key: 2026-01 a month, 2026-Q1 a quarter, 2026 a year. */
export const periodType = (p: string): "month" | "quarter" | "year" => (p.includes("-Q") ? "quarter" : p.length === 4 ? "year" : "month");

/** Period keys in the order status lists them: months, then quarters, then years, each in time order. */
export const byPeriod = (a: string, b: string): number =>
  ["month", "quarter", "year"].indexOf(periodType(a)) - ["month", "quarter", "year"].indexOf(periodType(b)) || a.localeCompare(b);

const expand = (months: string[]): string[] => {
  const out = new Set<string>();
  for (const m of months) {
    out.add(m);
    out.add(`${m.slice(0, 4)}-Q${Math.ceil(Number(m.slice(5, 7)) / 3)}`);
    out.add(m.slice(0, 4));
  }
  return [...out].sort(byPeriod);
};

/**
 * The months the given tickets' versions touch: a ticket counts in every month it was held open (created before the
 * month ends, not resolved before it starts: ticket_periods), so a version that moves its resolution (or its
 * creation) touches every month between the old and the new one; a version still open touches every month from its
 * creation to the newest month of the data. The month of a first response counts too (the responder's), should an
 * export put it outside the ticket's span. A survey response or a quality audit on the ticket that names no agent
 * is credited to its resolver (int_csat_credited, int_quality_audits_corrected), in the month it was answered or
 * audited, which may come after the ticket's: those months are touched too. In the warehouse's time zone.
 * The versions that count are the one in force now and the one in force at the last run (`since`: its last batch;
 * the newest of the versions loaded by then, every one that ties with it on updated_at, so never fewer): a version
 * superseded before the last run changed nothing that run counted. (Every version counted until 2026-11-27: a late
 * correction to a ticket once exported open, as most tickets resolved after a month's end were, touched every month
 * from its creation to the newest.)
 */
async function ticketMonths(wh: Warehouse, ticketIds: string, since: number): Promise<string[]> {
  // the tickets' good versions, found once: read through a CTE by the steps below, the 10M tickets were searched for
  // them again by each (0.7 s against 0.13 s for one search, one more day at 10M)
  const good = "traced_ticket_versions";
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${good} AS
    SELECT ticket_id, created_at, coalesce(resolved_at, 'infinity'::TIMESTAMPTZ) AS resolved_at, first_response_at, updated_at, _current, _batch_id
    FROM raw.tickets WHERE ticket_id IN (${ticketIds}) AND NOT _bad`);
  try {
    const rows = await wh.all<{ m: string }>(
      `WITH before AS (SELECT ticket_id, max(updated_at) AS updated_at FROM ${good} WHERE _batch_id <= ${since} GROUP BY ticket_id),
       v AS (
         SELECT g.ticket_id, g.created_at, g.resolved_at, g.first_response_at FROM ${good} g LEFT JOIN before b USING (ticket_id)
         WHERE g.created_at IS NOT NULL AND (g._current OR (g._batch_id <= ${since} AND g.updated_at IS NOT DISTINCT FROM b.updated_at))),
       last AS (SELECT max(greatest(created_at, coalesce(resolved_at, created_at))) AS last_at FROM raw.tickets WHERE NOT _bad),
       spans AS (
         SELECT date_trunc('month', min(least(created_at, resolved_at))) AS first,
           date_trunc('month', least(max(greatest(created_at, resolved_at)), (SELECT last_at FROM last))) AS upto
         FROM v GROUP BY ticket_id)
       SELECT strftime(unnest(generate_series(first, upto, INTERVAL 1 MONTH)), '%Y-%m') AS m FROM spans
       UNION SELECT strftime(first_response_at, '%Y-%m') FROM v WHERE first_response_at IS NOT NULL
       UNION SELECT strftime(submitted_at, '%Y-%m') FROM raw.csat WHERE _current AND agent_id IS NULL AND ticket_id IN (SELECT ticket_id FROM v)
       UNION SELECT strftime(audited_at, '%Y-%m') FROM raw.quality_audits WHERE _current AND agent_id IS NULL AND ticket_id IN (SELECT ticket_id FROM v)
       ORDER BY m`,
    );
    return rows.map((r) => r.m);
  } finally {
    await wh.run(`DROP TABLE IF EXISTS ${good}`);
  }
}

/** Compare the inputs of this run with those the last successful run recorded. */
export async function inputChanges(wh: Warehouse, now: RunInputs): Promise<InputChanges> {
  const prev = await wh.one<{ run_id: number; inputs: string | null }>(
    "SELECT run_id, (detail->'inputs')::VARCHAR AS inputs FROM meta.runs WHERE kind = 'run' AND outcome = 'ok' ORDER BY run_id DESC LIMIT 1",
  );
  const result: InputChanges = { since_run: prev?.run_id ?? null, everything: null, sources: [], corrections: [], periods: [], tracker_from: null };
  if (!prev) return { ...result, everything: "the first run" };
  if (!prev.inputs) return { ...result, everything: `run #${prev.run_id} did not record its inputs` };
  const before = JSON.parse(prev.inputs) as RunInputs;
  const reasons: string[] = [];
  for (const id of new Set([...Object.keys(before.schemes), ...Object.keys(now.schemes)]))
    if (JSON.stringify(before.schemes[id] ?? null) !== JSON.stringify(now.schemes[id] ?? null)) reasons.push(`scheme ${id} changed`);
  if (before.code !== now.code) reasons.push("the models' code or the working calendar changed");
  if (before.records !== now.records) reasons.push("committee decisions or tracker exclusions changed");
  if (before.set_aside !== (await setAside(wh, before.batches_upto, { upto: now.batches_upto })))
    reasons.push("quarantine acts changed which loaded rows are in force");

  const batches = await wh.all<{ source: string; table: string; batches: number; rows: number }>(
    `SELECT source, target_table AS "table", count(*) AS batches, sum(rows_inserted + rows_replaced) AS rows
     FROM meta.batches WHERE batch_id > $since AND batch_id <= $upto GROUP BY ALL ORDER BY source`,
    { since: before.batches_upto, upto: now.batches_upto },
  );
  // a file read again under a changed mapping: its earlier load's rows were deleted (data-loaders/ingest/load-file.ts,
  // supersedeBatches: loaded before, never under this mapping), so the periods they were in cannot be traced from the
  // rows that remain
  const reread = await wh.all<{ source: string }>(
    `WITH earlier AS (
       SELECT b.batch_id, o.mapping_sha256 IS NULL OR o.mapping_sha256 = b.mapping_sha256 AS same_mapping
       FROM meta.batches b JOIN meta.batches o ON o.batch_id < b.batch_id AND o.file_sha256 = b.file_sha256
         AND o.target_table = b.target_table AND o.mapping = b.mapping AND o.rows_read >= 0
       WHERE b.batch_id > $since AND b.batch_id <= $upto AND b.rows_read >= 0)
     SELECT DISTINCT b.source FROM meta.batches b
     WHERE b.batch_id IN (SELECT batch_id FROM earlier GROUP BY batch_id HAVING NOT bool_or(same_mapping))
     ORDER BY b.source`,
    { since: before.batches_upto, upto: now.batches_upto },
  );
  for (const r of reread) reasons.push(`source ${r.source} was read again under a changed mapping, which replaced the rows its earlier load gave`);
  const months = new Set<string>();
  const quoted = (id: string) => `'${id.replaceAll("'", "''")}'`;
  for (const b of batches) {
    if (b.table !== "tickets" && !DATED_RECORDS.has(b.table)) {
      // a file loaded again whose rows were all loaded before (a roster exported again as it was, in another order or
      // with another export date) changed no row in force and touches nothing
      if (Number(b.rows)) reasons.push(`source ${b.source} (${b.table}) has new rows, not traced to periods yet`);
      result.sources.push({ ...b, rows: Number(b.rows), periods: [] });
      continue;
    }
    const key = keyOf(b.table);
    const ids = `SELECT t.${key} FROM raw.${b.table} t JOIN meta.batches b ON b.batch_id = t._batch_id
       WHERE b.source = ${quoted(b.source)} AND t._batch_id > ${before.batches_upto} AND t._batch_id <= ${now.batches_upto}`;
    const m = b.table === "tickets" ? await ticketMonths(wh, ids, before.batches_upto) : await recordMonths(wh, b.table, ids);
    for (const x of m) months.add(x);
    result.sources.push({ ...b, rows: Number(b.rows), periods: expand(m) });
  }
  const corrections = await wh.all<{ correction_id: number; kind: string; ticket_id: string | null; response_id: string | null; audit_id: string | null }>(
    "SELECT correction_id, kind, ticket_id, response_id, audit_id FROM meta.corrections WHERE correction_id > $since AND correction_id <= $upto ORDER BY correction_id",
    { since: before.corrections_upto, upto: now.corrections_upto },
  );
  for (const { response_id, audit_id, ...c } of corrections) {
    // on a ticket (its periods), else on a survey response or an audit (its month)
    const on = c.ticket_id ? null : response_id ? { table: "csat", id: response_id } : audit_id ? { table: "quality_audits", id: audit_id } : undefined;
    if (on === undefined) {
      reasons.push(`appeal correction #${c.correction_id} (${c.kind}) is not on a ticket, a survey response or an audit`);
      result.corrections.push({ ...c, periods: [] });
      continue;
    }
    const m = on ? await recordMonths(wh, on.table, quoted(on.id)) : await ticketMonths(wh, quoted(c.ticket_id!), before.batches_upto);
    for (const x of m) months.add(x);
    result.corrections.push({ ...c, ...(on ? { record_id: on.id } : {}), periods: expand(m) });
  }
  result.periods = expand([...months]);
  result.tracker_from = result.periods.find((p) => p.includes("-Q")) ?? null;
  if (reasons.length) result.everything = reasons.join("; ");
  return result;
}

/** What a run rebuilt (meta.runs.detail.rebuilt): the touched periods only, or every period and why. */
export interface Rebuilt {
  mode: "periods" | "full";
  /** mode periods: every period recomputed, those traced to the inputs and those that joined */
  periods?: string[];
  /** mode periods: periods that joined because a table built in full changed there (model -> periods) */
  grown?: Record<string, string[]>;
  /** mode full: why */
  why?: string;
}

/** One line for `appraisal status`: what the run rebuilt and why. */
export function describeChanges(c: InputChanges | null | undefined, rebuilt?: Rebuilt | null): string {
  if (!c) return "every period (the run did not record what changed)";
  const traced = [
    ...c.sources.filter((s) => s.periods.length).map((s) => `${s.batches} new batch(es) of ${s.source} (${s.rows} rows) touch ${list(s.periods)}`),
    ...c.sources.filter((s) => !s.periods.length && !s.rows).map((s) => `${s.batches} new batch(es) of ${s.source} changed no row in force`),
    ...c.corrections.filter((x) => x.periods.length).map((x) => `appeal correction #${x.correction_id} (${x.kind}, ${x.ticket_id ?? x.record_id}) touches ${list(x.periods)}`),
  ];
  const since = c.since_run === null ? "" : ` since run #${c.since_run}`;
  const why = c.everything ? `${c.everything}` : traced.length ? `inputs changed${since}: ${traced.join("; ")}` : `no input changed${since}`;
  if (rebuilt?.mode === "periods") {
    const joined = Object.entries(rebuilt.grown ?? {}).map(([model, periods]) => `${list(periods)} because ${model} changed there`);
    const what = rebuilt.periods?.length ? `only ${list(rebuilt.periods)}` : "no period rebuilt, every row kept from the last run";
    return `${what} (${why}${joined.length ? `; joined: ${joined.join("; ")}` : ""}; trends, the tracker and the other small tables are rebuilt in full)`;
  }
  const dependents = !c.everything && c.tracker_from ? `; with them the department-relative ranks of those periods, the next periods' changes and the tracker from ${c.tracker_from} on` : "";
  const whyFull = rebuilt?.why && rebuilt.why !== c.everything ? `; ${rebuilt.why}` : "";
  return `every period, a full rebuild (${why}${dependents}${whyFull})`;
}

const list = (periods: string[]) => (periods.length > 8 ? `${periods.slice(0, 8).join(", ")} and ${periods.length - 8} more` : periods.join(", "));
