/**
 * Versions of a ticket are ordered so that the order of files and rows never matters (issue 11, item 1):
 * updated_at, then the status (deleted/spam/merged > closed > resolved > pending > on_hold > open > new), then a
 * hash of the row's content. Minute-precision exports give many versions with the same updated_at; the same rows
 * loaded shuffled, split over files and in reverse file order give byte-identical tables, every time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFile } from "../../data-loaders/ingest/load-file.ts";
import { loadMapping } from "../../data-loaders/mappings/schema.ts";
import type { Warehouse } from "../../core/db/warehouse.ts";
import { NAMED_PERIODS, PUBLISHED_TABLES } from "../../pipelines/publish/tables.ts";
import { reviewDueRelation } from "../../pipelines/rules/review.ts";
import { runModels } from "../../pipelines/run.ts";
import { loadSchemes } from "../../pipelines/scheme/load.ts";
import { seeded } from "../helpers/cli.ts";
import { GOLDEN_SCHEME } from "../helpers/department.ts";
import { csv, tempDir, withWarehouse, writeFile } from "../helpers/warehouse.ts";

const ROSTER_HEAD = ["agent_id", "display_name", "team", "department", "hire_date"];
const ROSTER = ["A1", "A2", "A3", "A4", "A5", "A6"].map((a, i) => [a, `Agent ${i + 1}`, i < 3 ? "T1" : "T2", "Support", "2024-01-01"]);
const HEAD = ["ticket_id", "created_at", "first_response_at", "resolved_at", "updated_at", "status", "priority", "assignee_id", "reopen_count"];
type Row = Array<string | null>;

const pad = (n: number) => String(n).padStart(2, "0");
const at = (day: number, minutes: number) => {
  const d = new Date(Date.UTC(2025, 0, 1, 1, 0) + day * 86_400_000 + minutes * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
};

/** 240 tickets over three months, each with 2-4 versions; a third of them have two versions in the same minute. */
function ticketRows(): Row[] {
  const rand = seeded(11);
  const agents = ROSTER.map((r) => r[0]!);
  const pick = () => agents[Math.floor(rand() * agents.length)]!;
  const rows: Row[] = [];
  for (let i = 1; i <= 240; i++) {
    const day = Math.floor(rand() * 85);
    const created = at(day, 0);
    const first = at(day, 5 + Math.floor(rand() * 50));
    const owner = pick();
    rows.push([`T-${i}`, created, null, null, created, "new", "normal", null, "0"]);
    rows.push([`T-${i}`, created, first, null, first, "open", "normal", owner, "0"]);
    const solvedAt = at(day, 120 + Math.floor(rand() * 3000));
    const kind = i % 6;
    if (kind === 0) {
      // resolved and closed in the same minute: closed is newer
      rows.push([`T-${i}`, created, first, solvedAt, solvedAt, "resolved", "normal", owner, "0"]);
      rows.push([`T-${i}`, created, first, solvedAt, solvedAt, "closed", "normal", owner, "0"]);
    } else if (kind === 1) {
      // two rows in the same minute with the same status, resolved by different agents: the content hash decides
      rows.push([`T-${i}`, created, first, solvedAt, solvedAt, "resolved", "normal", owner, "0"]);
      rows.push([`T-${i}`, created, first, solvedAt, solvedAt, "resolved", "high", pick(), "1"]);
    } else if (kind === 2) {
      // solved, then deleted in the same minute: deleted is newer, and the ticket never counts
      rows.push([`T-${i}`, created, first, solvedAt, solvedAt, "resolved", "normal", owner, "0"]);
      rows.push([`T-${i}`, created, first, solvedAt, solvedAt, "deleted", "normal", owner, "0"]);
    } else {
      rows.push([`T-${i}`, created, first, solvedAt, solvedAt, "resolved", "normal", owner, "0"]);
    }
  }
  return rows;
}

function shuffle<T>(xs: T[], seed: number): T[] {
  const rand = seeded(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Split rows into files of uneven sizes at the given cut points (fractions). */
function split<T>(xs: T[], cuts: number[]): T[][] {
  const at = [0, ...cuts.map((c) => Math.round(c * xs.length)), xs.length];
  return at.slice(1).map((end, i) => xs.slice(at[i], end));
}

/** Every table a load and a run produce, each as md5 of its rows' text in order (load bookkeeping left out). */
async function tableHashes(wh: Warehouse): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const hashOf = async (rel: string) =>
    String(await wh.value(`SELECT md5(coalesce(string_agg(r, chr(10) ORDER BY r), '')) FROM (SELECT CAST(x AS VARCHAR) AS r FROM (${rel}) x)`));
  const tables = await wh.all<{ s: string; t: string }>(
    "SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_schema IN ('raw', 'mart', 'stg', 'int') ORDER BY 1, 2",
  );
  for (const { s, t } of tables) {
    // rows name the batches (files) they came from, which differ when the files differ
    const batchCols = (
      await wh.all<{ c: string }>(
        "SELECT column_name AS c FROM information_schema.columns WHERE table_schema = $s AND table_name = $t AND (column_name LIKE '%batch%' OR column_name IN ('_record', '_problems'))",
        { s, t },
      )
    ).map((r) => `"${r.c}"`);
    out[`${s}.${t}`] = await hashOf(batchCols.length ? `SELECT * EXCLUDE (${batchCols.join(", ")}) FROM ${s}.${t}` : `SELECT * FROM ${s}.${t}`);
  }
  const states = "(SELECT NULL::VARCHAR AS scheme_id, NULL::VARCHAR AS period, NULL::VARCHAR AS state, NULL::DATE AS appeal_deadline, NULL::INTEGER AS revision WHERE false)";
  // the published tables, but those that describe the loading itself (files, batches, runs)
  const aboutLoading = new Set(["sources", "runs", "manifests", "input_ids"]);
  const reviewDue = await reviewDueRelation(wh);
  for (const t of PUBLISHED_TABLES.filter((x) => !aboutLoading.has(x.name))) {
    out[`published.${t.name}`] = await hashOf(
      t.sql.replaceAll("$named_periods", NAMED_PERIODS.management).replaceAll("$scheme", "'golden'").replaceAll("$period_states", states).replaceAll("$review_due", reviewDue),
    );
  }
  return out;
}

/** Load the roster and the ticket files in the order given, run the models, and hash every table. */
async function loadAndHash(files: Row[][], dir: string, label: string): Promise<Record<string, string>> {
  return withWarehouse(async (wh, whDir) => {
    await loadFile(wh, { file: writeFile(whDir, "roster.csv", csv(ROSTER_HEAD, ROSTER)), source: "roster", mapping: loadMapping("canonical/agents") });
    const m = loadMapping("canonical/tickets");
    for (const [i, rows] of files.entries()) {
      const file = writeFile(dir, `${label}-${i}.csv`, csv(HEAD, rows));
      const s = await loadFile(wh, { file, source: "tickets", mapping: m });
      expect(s.status, s.message).toBe("loaded");
      expect(s.quarantined, s.problems.join("\n")).toBe(0);
    }
    await runModels(wh, loadSchemes(GOLDEN_SCHEME));
    return tableHashes(wh);
  });
}

describe("the order of files and rows", () => {
  let dir: string;
  let cleanup: () => void;
  const rows = ticketRows();
  let reference: Record<string, string>;
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    reference = await loadAndHash([rows], dir, "one");
  });
  afterAll(() => cleanup?.());

  it("holds two versions in the same minute for a third of the tickets", () => {
    const minutes = new Map<string, number>();
    for (const r of rows) minutes.set(`${r[0]}|${r[4]}`, (minutes.get(`${r[0]}|${r[4]}`) ?? 0) + 1);
    expect([...minutes.values()].filter((n) => n > 1).length).toBe(120);
    expect(Object.keys(reference).length).toBeGreaterThan(30);
  });

  it("gives byte-identical tables shuffled, split over files and in reverse file order", async () => {
    const reversed = split(shuffle(rows, 1), [0.2, 0.55]).reverse();
    expect(await loadAndHash(reversed, dir, "reversed")).toEqual(reference);
    const scattered = split(shuffle(rows, 2), [0.05, 0.3, 0.31, 0.6, 0.8, 0.95]);
    expect(await loadAndHash(scattered, dir, "scattered")).toEqual(reference);
    // newest versions first: the later half of the rows in the first file
    expect(await loadAndHash(split([...rows].reverse(), [0.5]), dir, "newest-first")).toEqual(reference);
  }, 120_000);

  it("keeps the newest version by updated_at, then status, then content hash", async () => {
    await withWarehouse(async (wh, whDir) => {
      await loadFile(wh, { file: writeFile(whDir, "roster.csv", csv(ROSTER_HEAD, ROSTER)), source: "roster", mapping: loadMapping("canonical/agents") });
      const m = loadMapping("canonical/tickets");
      for (const [i, part] of split(shuffle(rows, 3), [0.5]).entries()) {
        await loadFile(wh, { file: writeFile(whDir, `t${i}.csv`, csv(HEAD, part)), source: "tickets", mapping: m });
      }
      const inForce = new Map(
        (await wh.all<{ ticket_id: string; status: string }>("SELECT ticket_id, status FROM raw.tickets WHERE _current")).map((r) => [r.ticket_id, r.status]),
      );
      expect(inForce.size).toBe(240);
      expect(inForce.get("T-6")).toBe("closed"); // resolved and closed in one minute
      expect(inForce.get("T-2")).toBe("deleted"); // resolved and deleted in one minute
      // same minute, same status: the larger content hash, whichever file came first
      const tied = await wh.all<{ n: number }>(
        `SELECT count(*) AS n FROM raw.tickets WHERE ticket_id = 'T-1' AND status = 'resolved'`,
      );
      expect(tied[0]!.n).toBe(2);
      // every version stays as history
      expect(Number(await wh.value("SELECT count(*) FROM raw.tickets WHERE NOT _bad"))).toBe(rows.length);
    });
  });
});
