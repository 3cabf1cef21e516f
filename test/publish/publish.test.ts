/**
 * The publish step on the test department: what each audience's snapshot holds, that quarantined values never
 * reach it, and that `current` only ever points at a complete snapshot.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Warehouse } from "../../core/db/warehouse.ts";
import { currentSnapshot, publish, readManifest } from "../../pipelines/publish/publish.ts";
import { PUBLISHED_TABLES, tablesFor } from "../../pipelines/publish/tables.ts";
import { tempDir } from "../helpers/warehouse.ts";

const site = inject("site");
let wh: Warehouse;
const t = tempDir("appraisal-publish-");

beforeAll(async () => {
  wh = await Warehouse.open(site.warehouse, { timezone: "Asia/Shanghai", readOnly: true });
});
afterAll(() => {
  wh?.close();
  t.cleanup();
});

const columnsOf = async (dir: string, table: string) =>
  (await wh.all<{ column_name: string }>(`DESCRIBE SELECT * FROM read_parquet('${path.join(dir, "tables", `${table}.parquet`)}')`)).map((r) => r.column_name);

describe("publish", () => {
  it("gives staff only staff tables and management also the management ones", async () => {
    const root = path.join(t.dir, "audiences");
    const staff = await publish(wh, { root, audience: "staff", scheme: "support-weighted", language: "en" });
    const mgmt = await publish(wh, { root, audience: "management", scheme: "support-weighted", language: "en" });
    const staffTables = readdirSync(path.join(staff.dir, "tables")).map((f) => f.replace(".parquet", "")).sort();
    expect(staffTables).toEqual(tablesFor("staff").map((x) => x.name).sort());
    expect(staffTables).not.toContain("bottom_group");
    expect(readdirSync(path.join(mgmt.dir, "tables"))).toContain("bottom_group.parquet");
    expect(staff.manifest.tables.every((x) => x.audience === "staff")).toBe(true);
    // no staff table carries the bottom-group columns, and no shard either
    for (const table of tablesFor("staff")) {
      const cols = await columnsOf(staff.dir, table.name);
      expect(cols.filter((c) => /in_bottom_group|bottom_cut|tied_at_cut|rater_id|customer|subject|comment|email|phone/.test(c)), table.name).toEqual([]);
    }
    const shard = readFileSync(path.join(staff.dir, "shards", "agents", readdirSync(path.join(staff.dir, "shards", "agents"))[0]!), "utf8");
    expect(shard).not.toMatch(/bottom|in_bottom_group/);
    const lab = ["lab_simulations", "lab_agents", "lab_teams", "lab_agreement", "lab_grades", "lab_sensitivity"];
    // (the board models in pipelines/models/boards/, by file name)
    expect(PUBLISHED_TABLES.filter((x) => x.audience === "management").map((x) => x.name)).toEqual(
      ["bottom_group", "pending_changes_detail", "appeals", "tracker", "input_ids", "calibration", "rater_calibration", "opinion_themes", ...lab].sort(),
    );
    // appeal reasons, the tracker, calibration, the ids behind each indicator, the changes pending a reopen, the scheme
    // lab and the themes of the staff's comments reach the management build's files only
    expect(readdirSync(path.join(mgmt.dir, "shards", "management")).sort()).toEqual(
      ["appeals.json", "calibration.json", "pending_changes_detail.json", "rater_calibration.json", "tracker.json", "opinion_themes.json", ...lab.map((t) => `${t}.json`)].sort(),
    );
    // an inputs file for every agent, empty where no published period has their ids (no 404 on the agent page)
    expect(readdirSync(path.join(mgmt.dir, "shards", "inputs")).sort()).toEqual(readdirSync(path.join(mgmt.dir, "shards", "agents")).sort());
    expect(existsSync(path.join(staff.dir, "shards", "management"))).toBe(false);
    expect(existsSync(path.join(staff.dir, "shards", "inputs"))).toBe(false);
  });

  it("names each agent's latest team: of the periods ending last, the quarter's, not an arbitrary pick between it and the year", async () => {
    const staff = await publish(wh, { root: path.join(t.dir, "latest-team"), audience: "staff", scheme: "support-weighted", language: "en" });
    const rows = await wh.all<{ agent_id: string; published: string; latest: string }>(
      `SELECT a.agent_id, a.team AS published, l.team AS latest
       FROM read_parquet('${path.join(staff.dir, "tables", "agents.parquet")}') a
       JOIN (SELECT r.agent_id, r.team,
               row_number() OVER (PARTITION BY r.agent_id ORDER BY p.end_date DESC, CASE r.period_type WHEN 'month' THEN 0 WHEN 'quarter' THEN 1 ELSE 2 END) AS n
             FROM mart.rankings r JOIN mart.periods p USING (period_type, period) WHERE r.scheme_id = 'support-weighted') l
         ON l.agent_id = a.agent_id AND l.n = 1`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(40);
    expect(rows.filter((r) => r.published !== r.latest)).toEqual([]);
  });

  it("publishes quarantine counts by reason without the quarantined values", async () => {
    // a warehouse copy with quarantined rows whose values are private
    const file = path.join(t.dir, "q.duckdb");
    copyFileSync(site.warehouse, file);
    const w2 = await Warehouse.open(file, { timezone: "Asia/Shanghai" });
    try {
      await w2.run(`INSERT INTO meta.quarantine (batch_id, source, file, target_table, record, line, field, value, reason) VALUES
        (999, 'tickets', 'x.csv', 'tickets', 1, 2, 'customer_email', 'secret.person@example.org', 'expected an email, got "secret.person@example.org"'),
        (999, 'tickets', 'x.csv', 'tickets', 2, 3, 'reopen_count', '-4', 'must be at least 0, got -4'),
        (999, 'tickets', 'x.csv', 'tickets', NULL, NULL, '(file)', NULL, 'Error: line 7 "Zhang San,13800000000" could not be parsed')`);
      const r = await publish(w2, { root: path.join(t.dir, "q"), audience: "staff", scheme: "support-weighted", language: "en" });
      const json = readFileSync(path.join(r.dir, "site", "quarantine_reasons.json"), "utf8");
      const table = JSON.parse(json) as { columns: string[]; rows: unknown[][] };
      const reasons = table.rows.map((r) => r[table.columns.indexOf("reason")]);
      expect(reasons).toEqual(
        expect.arrayContaining(["expected an email", "must be at least 0", "the file could not be read; run appraisal status on the server for the error"]),
      );
      expect(json).not.toMatch(/secret\.person|13800000000|Zhang San|-4/);
    } finally {
      w2.close();
    }
  });

  it("shows each period's publication state where the warehouse records one, and open where not", async () => {
    const periodsOf = (dir: string) => {
      const t = JSON.parse(readFileSync(path.join(dir, "site", "periods.json"), "utf8")) as { columns: string[]; rows: unknown[][] };
      const col = (c: string) => t.columns.indexOf(c);
      return new Map(t.rows.map((r) => [r[col("period")] as string, { state: r[col("publication_state")], deadline: r[col("appeal_deadline")] }]));
    };
    const before = periodsOf((await publish(wh, { root: path.join(t.dir, "states0"), audience: "staff", scheme: "support-weighted", language: "en" })).dir);
    // the test department published 2026-Q3 for objection (twice, after an appeal) and took 2026-Q2 to final; the rest is open
    expect(before.get("2026-Q3")?.state).toBe("provisional");
    expect(before.get(site.final.period)?.state).toBe("final");
    expect(new Set([...before.entries()].filter(([p]) => p !== "2026-Q3" && p !== site.final.period).map(([, v]) => v.state))).toEqual(new Set(["open"]));
    const file = path.join(t.dir, "states.duckdb");
    copyFileSync(site.warehouse, file);
    const w2 = await Warehouse.open(file, { timezone: "Asia/Shanghai" });
    try {
      // the shape of the period lifecycle's table (rules issue): no row means open
      await w2.run(`CREATE TABLE IF NOT EXISTS meta.period_states (scheme_id VARCHAR, period VARCHAR, state VARCHAR, since TIMESTAMPTZ,
        appeal_deadline DATE, revision INTEGER)`);
      await w2.run("DELETE FROM meta.period_states");
      await w2.run(`INSERT INTO meta.period_states VALUES
        ('support-weighted', '2026-Q3', 'provisional', now(), DATE '2026-11-06', 1),
        ('support-weighted', '2026-Q2', 'final', now(), NULL, 2),
        ('team-monthly', '2026-Q1', 'final', now(), NULL, 1)`);
      const after = periodsOf((await publish(w2, { root: path.join(t.dir, "states1"), audience: "staff", scheme: "support-weighted", language: "en" })).dir);
      expect(after.get("2026-Q3")).toEqual({ state: "provisional", deadline: "2026-11-06" });
      expect(after.get("2026-Q2")).toEqual({ state: "final", deadline: null });
      expect(after.get("2026-Q1")?.state).toBe("open");
    } finally {
      w2.close();
    }
  });

  it("swaps `current` to a complete snapshot and keeps only the previous one", async () => {
    const root = path.join(t.dir, "swap");
    const dirs: string[] = [];
    for (let i = 0; i < 3; i++) dirs.push((await publish(wh, { root, audience: "staff", scheme: "support-weighted", language: "zh-CN" })).dir);
    expect(currentSnapshot(root, "staff")).toBe(dirs[2]);
    expect(readlinkSync(path.join(root, "staff", "current"))).toBe(path.basename(dirs[2]!));
    expect(existsSync(dirs[1]!)).toBe(true);
    expect(existsSync(dirs[0]!)).toBe(false);
    expect(readdirSync(path.join(root, "staff")).filter((f) => f.startsWith(".tmp"))).toEqual([]);
    const m = readManifest(dirs[2]!);
    expect(m.language).toBe("zh-CN");
    expect(m.current_period).toEqual({ period: "2026-Q3", period_type: "quarter" });
    expect(m.shards.agents).toBeGreaterThanOrEqual(40);
  });

  it("writes only the shard files whose bytes changed, and hard-links the others from the previous snapshot", async () => {
    const root = path.join(t.dir, "reuse");
    const first = await publish(wh, { root, audience: "management", scheme: "support-weighted", language: "en" });
    expect(first.files.linked).toBe(0);
    const total = first.files.written;
    expect(total).toBeGreaterThan(80);
    // one agent's file of the snapshot in force differs from what the warehouse gives now (as after a refresh that
    // changed that agent): replaced, not edited in place
    const agents = path.join(first.dir, "shards", "agents");
    const changed = readdirSync(agents).sort()[0]!;
    const text = readFileSync(path.join(agents, changed), "utf8");
    rmSync(path.join(agents, changed));
    writeFileSync(path.join(agents, changed), text.replace(/}$/, ' }'));
    const second = await publish(wh, { root, audience: "management", scheme: "support-weighted", language: "en" });
    expect(second.files).toEqual({ written: 1, linked: total - 1 });
    // the same bytes as a snapshot written from scratch, the unchanged ones in the same inode as before
    expect(readFileSync(path.join(second.dir, "shards", "agents", changed), "utf8")).toBe(text);
    const other = readdirSync(agents).sort()[1]!;
    expect(statSync(path.join(second.dir, "shards", "agents", other)).ino).toBe(statSync(path.join(agents, other)).ino);
    expect(statSync(path.join(second.dir, "shards", "agents", changed)).ino).not.toBe(statSync(path.join(agents, changed)).ino);
    const elsewhere = await publish(wh, { root: path.join(t.dir, "reuse-fresh"), audience: "management", scheme: "support-weighted", language: "en" });
    for (const kind of ["agents", "rankings", "inputs", "management"])
      for (const f of readdirSync(path.join(elsewhere.dir, "shards", kind)))
        expect(readFileSync(path.join(second.dir, "shards", kind, f), "utf8"), `${kind}/${f}`).toBe(readFileSync(path.join(elsewhere.dir, "shards", kind, f), "utf8"));
  });

  it("cuts hr_cells into one file per indicator whose union is the table, row for row and value for value", async () => {
    const staff = await publish(wh, { root: path.join(t.dir, "hr"), audience: "staff", scheme: "support-weighted", language: "en" });
    const columns = await columnsOf(staff.dir, "hr_cells");
    // the table's rows in its order, each value as DuckDB writes it to JSON (as the files and the old site JSON do)
    const table = await wh.all<{ j: string }>(
      `SELECT to_json(struct_pack(${columns.map((c) => `"${c}"`).join(", ")}))::VARCHAR AS j
       FROM read_parquet('${path.join(staff.dir, "tables", "hr_cells.parquet")}', file_row_number = true) ORDER BY file_row_number`,
    );
    const expected = table.map((r) => JSON.stringify(Object.values(JSON.parse(r.j))));
    expect(expected.length).toBeGreaterThan(100);
    // each file's rows with its indicator put back
    const dir = path.join(staff.dir, "shards", "hr");
    const files = readdirSync(dir).sort();
    const union: string[] = [];
    const perFile = new Map<string, string[]>();
    for (const f of files) {
      const file = JSON.parse(readFileSync(path.join(dir, f), "utf8"));
      expect(f).toBe(`${file.indicator_id}.json`);
      expect(file.cells.columns).toEqual(columns.filter((c) => c !== "indicator_id"));
      const rows = file.cells.rows.map((row: unknown[]) => {
        const named = Object.fromEntries(file.cells.columns.map((c: string, i: number) => [c, row[i]]));
        return JSON.stringify(columns.map((c) => (c === "indicator_id" ? file.indicator_id : named[c])));
      });
      perFile.set(file.indicator_id, rows);
      union.push(...rows);
    }
    // every row of the table once, none more (as multisets), and each indicator's rows in the table's order
    expect([...union].sort()).toEqual([...expected].sort());
    for (const [id, rows] of perFile) expect(rows, id).toEqual(expected.filter((r) => JSON.parse(r)[columns.indexOf("indicator_id")] === id));
    // the composite's file (the board's first view) and one per scored indicator of the scheme
    expect(files).toContain("composite.json");
    expect(files.length).toBeGreaterThan(5);
  });

  it("refuses a scheme the warehouse does not have", async () => {
    await expect(publish(wh, { root: path.join(t.dir, "x"), audience: "staff", scheme: "nope", language: "en" })).rejects.toThrow(/no scheme 'nope'/);
  });
});
