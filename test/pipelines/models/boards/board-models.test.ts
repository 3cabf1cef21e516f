/**
 * Board models (pipelines/models/boards/*.sql): one file per published table, its header validated, its reads
 * resolved like the other models', and the shards' management set and the site's data loaders following from them.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MANAGEMENT_FILES } from "../../../../pipelines/publish/shards.ts";
import { BOARDS_DIR, PUBLISHED_TABLES, readBoardModel, readBoardModels } from "../../../../pipelines/publish/tables.ts";
import { listModels, type Model, orderModels } from "../../../../pipelines/run.ts";

const ROOT = path.join(import.meta.dirname, "..", "..", "..", "..");
const tmp = mkdtempSync(path.join(tmpdir(), "appraisal-boards-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const board = (name: string, text: string, dir = tmp) => {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.sql`);
  writeFileSync(file, text);
  return file;
};

describe("board models", () => {
  it("are one file per published table, named by the file, with the header's audience, shard flag and about", () => {
    expect(PUBLISHED_TABLES.map((t) => `${t.name}.sql`)).toEqual(readdirSync(BOARDS_DIR).filter((f) => f.endsWith(".sql")).sort());
    const rankings = PUBLISHED_TABLES.find((t) => t.name === "rankings")!;
    expect(rankings).toMatchObject({ audience: "staff", shardOnly: true, about: expect.stringMatching(/^every scored agent per period/) });
    expect(rankings.sql).toMatch(/^select r\.period_type/);
    expect(rankings.sql).not.toContain("-- audience");
    expect(PUBLISHED_TABLES.find((t) => t.name === "bottom_group")).toMatchObject({ audience: "management", shardOnly: undefined });
  });

  it("read only models that the runner builds, so they order after them (an unknown table is an error naming the file)", () => {
    const models = listModels();
    const boards: Model[] = PUBLISHED_TABLES.map((t) => ({
      name: `boards.${t.name}`,
      layer: "rules",
      file: t.file,
      sql: t.sql,
      dependsOn: [...new Set([...t.sql.matchAll(/\b(stg|mart)\.([a-z_0-9]+)\b/g)].map((m) => `${m[1]}.${m[2]}`))],
      kind: "VIEW",
      incremental: false,
    }));
    const ordered = orderModels([...boards, ...models]).map((m) => m.name);
    const rankings = ordered.indexOf("boards.rankings");
    for (const dep of ["mart.rankings", "mart.agent_trends", "mart.rank_intervals"]) expect(ordered.indexOf(dep)).toBeLessThan(rankings);
    const broken = { ...boards[0]!, dependsOn: ["mart.no_such_model"] };
    expect(() => orderModels([broken, ...models])).toThrow(/reads mart\.no_such_model, which no model builds/);
  });

  it("refuse a header that is missing, unknown or wrong, and parameters publish does not fill in", () => {
    expect(() => readBoardModel(board("a", "select 1"))).toThrow(/a\.sql's header .* is not valid:\n {2}audience: .*\n {2}shard_only: .*\n {2}about: /s);
    expect(() => readBoardModel(board("b", "-- audience: everyone\n-- shard_only: no\n-- about: x\nselect 1"))).toThrow(/audience: Invalid option: expected one of "staff"\|"management"/);
    expect(() => readBoardModel(board("c", "-- audience: staff\n-- shard_only: no\n-- about: x\n-- owner: me\nselect 1"))).toThrow(/Unrecognized key: "owner"/);
    expect(() => readBoardModel(board("d", "-- audience: staff\n-- shard_only: no\n-- about: x\n"))).toThrow(/d\.sql: no SELECT after the header/);
    expect(() => readBoardModel(board("e", "-- audience: staff\n-- shard_only: no\n-- about: x\nselect * from t where s = $schema"))).toThrow(
      /e\.sql: unknown parameter \$schema; a board model may use \$scheme, \$period_states, \$review_due, \$named_periods/,
    );
    expect(() => readBoardModel(board("Bad-Name", "-- audience: staff\n-- shard_only: no\n-- about: x\nselect 1"))).toThrow(/lower-case letters/);
    // a new file is a new table: nothing else to register
    const fresh = path.join(tmp, "fresh");
    board("f", "-- audience: management\n-- shard_only: yes\n-- about: a new table\nselect 1 as x -- a trailing comment\n", fresh);
    const f = readBoardModels(fresh).find((t) => t.name === "f")!;
    expect(f).toMatchObject({ audience: "management", shardOnly: true, about: "a new table" });
    expect(f.sql.endsWith("\n")).toBe(true);
  });

  it("give shards.ts its management files: every management table that is shard-only, but the per-agent input ids", () => {
    expect(MANAGEMENT_FILES.sort()).toEqual(
      ["appeals", "calibration", "lab_agents", "lab_agreement", "lab_grades", "lab_sensitivity", "lab_simulations", "lab_teams", "opinion_themes", "pending_changes_detail", "rater_calibration", "tracker"],
    );
  });

  it("each table that the site reads as a file has its Framework data loader, and each loader reads a board model", () => {
    const dataDir = path.join(ROOT, "src", "data");
    const siteFiles = PUBLISHED_TABLES.filter((t) => t.audience === "staff" && !t.shardOnly).map((t) => t.name);
    for (const name of siteFiles) {
      const loader = path.join(dataDir, `${name}.json.js`);
      expect(existsSync(loader), `src/data/${name}.json.js`).toBe(true);
      expect(readFileSync(loader, "utf8")).toContain(`emitTable(${JSON.stringify(name)})`);
    }
    for (const f of readdirSync(dataDir).filter((x) => x.endsWith(".json.js"))) {
      const m = /emitTable\("([^"]+)"\)/.exec(readFileSync(path.join(dataDir, f), "utf8"));
      if (m) expect(siteFiles, `src/data/${f}`).toContain(m[1]);
    }
    // and every data file a page attaches has its loader
    for (const page of readdirSync(path.join(ROOT, "src")).filter((x) => x.endsWith(".md"))) {
      for (const [, name] of readFileSync(path.join(ROOT, "src", page), "utf8").matchAll(/FileAttachment\("data\/([a-z_0-9]+)\.json"\)/g))
        expect(existsSync(path.join(dataDir, `${name}.json.js`)), `${page}: data/${name}.json`).toBe(true);
    }
  });
});
