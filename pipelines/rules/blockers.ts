/**
 * What keeps a period from being published (issue 10 item 3): a source file that could not be read, or one whose
 * quarantined share is above the configured limit (`publication_checks.max_quarantined_share`), must not be
 * published around, because the period would look complete while part of its data is missing (a September file
 * refused whole left an agent with 8 resolved tickets instead of 73).
 *
 * Per file path (and API origin), the newest batch counts: a file fixed and loaded again no longer blocks.
 * - Unreadable (its newest batch failed) and still there: blocks every period (what it covers cannot be known).
 * - Quarantined above the share: blocks the periods it has rows in force in, and every period when none of its rows
 *   is in force (a file whose every row was quarantined covers a period nobody can name).
 */
import { existsSync } from "node:fs";
import type { Warehouse } from "../../core/db/warehouse.ts";

export interface Blocker {
  source: string;
  file: string;
  table: string;
  kind: "unreadable" | "quarantined";
  rows_read: number;
  rows_quarantined: number;
  reason: string;
}

/** Batches with rows in force dated in [start, end), per raw table (the roster covers every period). */
const IN_PERIOD = `
  select _batch_id as batch_id from raw.agents where _current
  union select _batch_id from raw.tickets where _current and ((created_at >= $start_ts and created_at < $end_ts) or (resolved_at >= $start_ts and resolved_at < $end_ts))
  union select _batch_id from raw.csat where _current and submitted_at >= $start_ts and submitted_at < $end_ts
  union select _batch_id from raw.quality_audits where _current and audited_at >= $start_ts and audited_at < $end_ts
  union select _batch_id from raw.trainings where _current and completed_on >= $start and completed_on < $end
  union select _batch_id from raw.certifications where _current and obtained_on >= $start and obtained_on < $end
  union select _batch_id from raw.contributions where _current and submitted_on >= $start and submitted_on < $end
  union select _batch_id from raw.reviews_360 where _current and ${quarterOverlaps("period")}
  union select _batch_id from raw.collab_survey where _current and ${quarterOverlaps("period")}`;

function quarterOverlaps(col: string): string {
  const qStart = `make_date(CAST(left(${col}, 4) AS INTEGER), CAST(right(${col}, 1) AS INTEGER) * 3 - 2, 1)`;
  return `${qStart} < $end AND CAST(${qStart} + INTERVAL 3 MONTH AS DATE) > $start`;
}

const IN_FORCE = ["agents", "tickets", "csat", "quality_audits", "trainings", "certifications", "contributions", "reviews_360", "collab_survey"]
  .map((t) => `select distinct _batch_id as batch_id from raw.${t} where _current`)
  .join(" union ");

export async function publicationBlockers(wh: Warehouse, period: { start: string; end: string }, maxShare: number): Promise<Blocker[]> {
  const rows = await wh.all<Omit<Blocker, "kind" | "reason"> & { unreadable: boolean; error: string | null }>(
    `WITH latest AS (
       SELECT * FROM (SELECT b.*, row_number() OVER (PARTITION BY source, file ORDER BY batch_id DESC) AS rn FROM meta.batches b) WHERE rn = 1
     ),
     in_period AS (${IN_PERIOD}),
     in_force AS (${IN_FORCE})
     SELECT l.source, l.file, l.target_table AS "table", l.rows_read, l.rows_quarantined, l.rows_read < 0 AS unreadable,
       (SELECT any_value(q.reason) FROM meta.quarantine q WHERE q.batch_id = l.batch_id AND q.field = '(file)') AS error
     FROM latest l
     WHERE l.rows_read < 0
        OR (l.rows_read > 0 AND l.rows_quarantined > $max * l.rows_read
            AND (l.batch_id IN (SELECT batch_id FROM in_period) OR l.batch_id NOT IN (SELECT batch_id FROM in_force)))
     ORDER BY l.source, l.file`,
    {
      start: period.start,
      end: period.end,
      start_ts: `${period.start} 00:00:00`,
      end_ts: `${period.end} 00:00:00`,
      max: maxShare,
    },
  );
  return (
    rows
      // an unreadable file that is gone from its folder (moved away on purpose) no longer blocks
      .filter((r) => !r.unreadable || existsSync(r.file))
      .map((r) => ({
        source: r.source,
        file: r.file,
        table: r.table,
        rows_read: Number(r.rows_read),
        rows_quarantined: Number(r.rows_quarantined),
        kind: r.unreadable ? "unreadable" : "quarantined",
        reason: r.unreadable
          ? `could not be read${r.error ? ` (${firstLine(r.error)})` : ""}`
          : `${Number(r.rows_quarantined)} of ${Number(r.rows_read)} rows quarantined (${pct(Number(r.rows_quarantined) / Number(r.rows_read))}, above the limit of ${pct(maxShare)})`,
      }))
  );
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
const firstLine = (s: string) => {
  const l = s.split("\n")[0]!;
  return l.length > 200 ? `${l.slice(0, 197)}...` : l;
};

/** The refusal: every blocking file, and what to do. */
export function blockersMessage(period: string, blockers: Blocker[]): string {
  return `${period} cannot be published while ${blockers.length === 1 ? "a source file is" : `${blockers.length} source files are`} incomplete:\n${blockers
    .map((b) => `  ${b.file} (source ${b.source}, ${b.table}): ${b.reason}`)
    .join(
      "\n",
    )}\nFix each file (appraisal status lists the reasons; the quarantine holds every bad row with its line) and ingest it again, then run and publish; a file that should not count can be moved out of its source's folder. The limit is publication_checks.max_quarantined_share in appraisal.config.yaml.`;
}
