/**
 * The worked examples of docs/METRICS.md, run through the same SQL the models use.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ingestSources } from "../../data-loaders/ingest/ingest.ts";
import { Warehouse } from "../../core/db/warehouse.ts";
import { runModels } from "../../pipelines/run.ts";
import { loadSchemes } from "../../pipelines/scheme/load.ts";
import { csv, tempDir, testConfig, TZ, withWarehouse, writeFile } from "../helpers/warehouse.ts";

const MACROS = readFileSync(path.join(import.meta.dirname, "..", "..", "pipelines", "models", "macros.sql"), "utf8");

describe("small-sample adjustments (METRICS.md, Small samples)", () => {
  it("Bayesian average toward the department: dept 0.85, m 20: 5/5 gives 0.880, 9/10 gives 0.867", async () => {
    await withWarehouse(async (wh) => {
      await wh.run(MACROS);
      const r = await wh.one<{ a: number; b: number }>(
        "SELECT round(bayes_average(5 / 5, 5, 0.85, 20), 3) AS a, round(bayes_average(9 / 10, 10, 0.85, 20), 3) AS b",
      );
      expect(r).toEqual({ a: 0.88, b: 0.867 });
    });
  });

  it("Wilson lower bound at 95%: 5/5 0.566, 9/10 0.596, 45/50 0.786, 90/100 0.826", async () => {
    await withWarehouse(async (wh) => {
      await wh.run(MACROS);
      const r = await wh.all<{ n: number; lb: number }>(
        "SELECT n, round(wilson_lower(s / n, n), 3) AS lb FROM (VALUES (5, 5), (9, 10), (45, 50), (90, 100)) t(s, n) ORDER BY n",
      );
      expect(r.map((x) => x.lb)).toEqual([0.566, 0.596, 0.786, 0.826]);
    });
  });
});

describe("CSAT (METRICS.md, Definitions)", () => {
  it("12 four-star and 15 five-star out of 54 responses is 50.0%; unrated tickets are ignored", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const roster = writeFile(dir, "roster.csv", csv(["agent_id", "display_name", "team", "department", "hire_date"], [["A1", "Ann", "T1", "Support", "2025-01-01"]]));
      const ticketRows = Array.from({ length: 60 }, (_, i) => [
        `T-${i + 1}`,
        `2026-03-${String(1 + (i % 28)).padStart(2, "0")} 09:00:00`,
        `2026-03-${String(1 + (i % 28)).padStart(2, "0")} 11:00:00`,
        "resolved",
        "normal",
        "A1",
      ]);
      const tickets = writeFile(dir, "tickets.csv", csv(["ticket_id", "created_at", "resolved_at", "status", "priority", "assignee_id"], ticketRows));
      const scores = [...Array(12).fill(4), ...Array(15).fill(5), ...Array(10).fill(3), ...Array(9).fill(2), ...Array(8).fill(1)];
      expect(scores).toHaveLength(54);
      // 54 responses on 54 of the 60 tickets: 6 tickets are unrated and must not count
      const responses = scores.map((s, i) => [`R-${i + 1}`, `T-${i + 1}`, "", "2026-03-29 10:00:00", String(s)]);
      const csat = writeFile(dir, "csat.csv", csv(["response_id", "ticket_id", "agent_id", "submitted_at", "score"], responses));
      const cfg = testConfig(dir, [
        { name: "roster", path: roster, mapping: "canonical/agents" },
        { name: "tickets", path: tickets, mapping: "canonical/tickets" },
        { name: "csat", path: csat, mapping: "canonical/csat" },
      ]);
      const wh = await Warehouse.open(cfg.warehouse, { timezone: TZ });
      try {
        await ingestSources(wh, cfg);
        await runModels(wh, loadSchemes(path.join(import.meta.dirname, "..", "fixtures", "golden", "scheme")));
        const m = await wh.one<{ value: number; numerator: number; denominator: number }>(
          "SELECT value, numerator, denominator FROM mart.agent_metrics WHERE agent_id = 'A1' AND period = '2026-03' AND metric = 'csat'",
        );
        expect(m).toEqual({ value: 0.5, numerator: 27, denominator: 54 });
      } finally {
        wh.close();
      }
    } finally {
      cleanup();
    }
  });
});
