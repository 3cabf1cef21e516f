/**
 * A department fed by helpdesk APIs (Zendesk's incremental ticket export with its satisfaction ratings, Jira's issue
 * search; a local fake that speaks their documented formats, test/helpers/fake-helpdesk.ts) is refreshed incrementally:
 * each sync brings a batch of tickets, a batch of ratings (CSAT) and moves the sources' cursors, and the run after it
 * recomputes only the periods those touch, to the same rows as a full rebuild. Until 2026-11-27 a moved cursor made
 * every run after a sync a full one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Warehouse } from "../../core/db/warehouse.ts";
import { ingestSources } from "../../data-loaders/ingest/ingest.ts";
import { runModels } from "../../pipelines/run.ts";
import type { InputChanges, Rebuilt } from "../../pipelines/run-changes.ts";
import { loadSchemes } from "../../pipelines/scheme/load.ts";
import { GOLDEN_SCHEME } from "../helpers/department.ts";
import { type FakeHelpdesk, startFakeHelpdesk } from "../helpers/fake-helpdesk.ts";
import { differencesFromFullRebuild } from "../helpers/full-rebuild.ts";
import { apiConfig, SECRET, TOKEN_ENV } from "../helpers/sources.ts";
import { TZ, tempDir } from "../helpers/warehouse.ts";

const schemes = loadSchemes(GOLDEN_SCHEME);
let dir: string;
let cleanup: () => void;
let fake: FakeHelpdesk;
let wh: Warehouse;
let cfg: ReturnType<typeof apiConfig>;

/** sync every API source, then run */
async function syncAndRun(): Promise<{ rebuilt: Rebuilt; changes: InputChanges }> {
  const r = await ingestSources(wh, cfg);
  expect(r.errors).toEqual([]);
  await runModels(wh, schemes);
  const last = await wh.one<{ rebuilt: string; changes: string }>(
    "SELECT (detail->'rebuilt')::VARCHAR AS rebuilt, (detail->'changes')::VARCHAR AS changes FROM meta.runs WHERE kind = 'run' AND outcome = 'ok' ORDER BY run_id DESC LIMIT 1",
  );
  return { rebuilt: JSON.parse(last!.rebuilt), changes: JSON.parse(last!.changes) };
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  process.env[TOKEN_ENV] = SECRET;
  // tickets and issues hourly from 1 September 2026 (UTC): 740 of them reach into October
  fake = await startFakeHelpdesk({ tickets: 740, ratings: 40, issues: 30, pageSize: 100 });
  cfg = apiConfig(dir, fake.url, {}, { page_size: 100, batch_records: 1000 });
  wh = await Warehouse.open(cfg.warehouse, { timezone: TZ });
});
afterAll(async () => {
  wh?.close();
  await fake?.close();
  cleanup?.();
});

describe("a department fed by helpdesk APIs, refreshed after each sync", () => {
  it("the first sync is scored in full", async () => {
    const { rebuilt } = await syncAndRun();
    expect(rebuilt).toEqual({ mode: "full", why: "the first run" });
    expect(await wh.value("SELECT string_agg(period, ' ' ORDER BY period) FROM mart.periods WHERE period_type = 'month'")).toBe("2026-09 2026-10");
  });

  it("a sync with new tickets and ratings: only the periods they touch, the same rows as a full rebuild", async () => {
    // 20 more tickets (October), 5 more ratings (of September's tickets)
    fake.grow({ tickets: 20, ratings: 5 });
    const { rebuilt, changes } = await syncAndRun();
    expect(changes.everything).toBeNull();
    expect(changes.sources.map((s) => [s.source, s.table])).toEqual(expect.arrayContaining([["zendesk", "tickets"], ["zendesk", "csat"]]));
    expect(rebuilt.mode).toBe("periods");
    expect(rebuilt.periods).toEqual(expect.arrayContaining(["2026-09", "2026-10", "2026-Q3", "2026-Q4", "2026"]));
    expect(await differencesFromFullRebuild(wh, schemes)).toEqual({});
  });

  it("a sync that finds nothing new only moves the cursors: no full rebuild, the same rows", async () => {
    const { rebuilt, changes } = await syncAndRun();
    expect([changes.everything, rebuilt.mode]).toEqual([null, "periods"]);
    expect(await differencesFromFullRebuild(wh, schemes)).toEqual({});
  });
});
