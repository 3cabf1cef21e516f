/**
 * Scheme versions that inherit (`extends:`): the shipped schemes flatten to exactly what they were when every version
 * was written in full, the merge rules do what README says, and a wrong `extends` names the file and the field.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { loadSchemes, parseScheme } from "../../../pipelines/scheme/load.ts";

const ROOT = path.join(import.meta.dirname, "..", "..", "..");

/** every shipped version as it was flattened before versions could extend one another (hash and definition) */
const BEFORE = JSON.parse(readFileSync(path.join(ROOT, "test/fixtures/schemes/flattened.json"), "utf8")) as Record<
  string,
  Record<string, { sha256: string; definition: unknown }>
>;

const ind = (id: string, metric: string, weight: number, extra: Record<string, unknown> = {}) => ({
  id,
  name: { en: id, "zh-CN": `${id}（中）` },
  metric,
  weight,
  scoring: { method: "target", floor: 0, target: 50 },
  ...extra,
});

/** a full first version, and the versions after it given as changes */
const scheme = (...later: Array<Record<string, unknown>>) => ({
  id: "t",
  name: { en: "T" },
  period_types: ["month"],
  versions: [
    {
      version: "1",
      effective_from: "2026-01-01",
      notes: "first",
      rules: { incentives: { bonus_min_score: 85, honours_top: 5 } },
      grades: [
        { grade: "A", min: 80, name: { en: "A" } },
        { grade: "B", min: 0, name: { en: "B" } },
      ],
      dimensions: [
        { id: "work", name: { en: "Work" }, weight: 80, indicators: [ind("resolved", "tickets_resolved", 60), ind("reopen", "reopen_rate", 40, { scoring: { method: "target", floor: 0.2, target: 0 } })] },
        { id: "attitude", name: { en: "Attitude" }, weight: 20, indicators: [ind("csat", "csat", 100, { scoring: { method: "target", floor: 0.5, target: 0.95 }, adjust: "bayes" })] },
      ],
    },
    ...later,
  ],
});

const load = (s: unknown) => parseScheme(YAML.stringify(s), "schemes/t.yaml");
const messageOf = (s: unknown) => {
  try {
    load(s);
    return "valid";
  } catch (e) {
    return (e as Error).message;
  }
};

describe("the shipped schemes", () => {
  it("flatten to exactly the versions they were before they could inherit (same definition, same key order, same hash)", () => {
    const loaded = loadSchemes(path.join(ROOT, "schemes"));
    const now = Object.fromEntries(
      loaded.map(({ scheme, hashes }) => [scheme.id, Object.fromEntries(scheme.versions.map((v) => [v.version, { sha256: hashes[v.version], definition: v }]))]),
    );
    expect(JSON.stringify(now, null, 2)).toBe(JSON.stringify(BEFORE, null, 2));
    const support = loaded.find((l) => l.scheme.id === "support-weighted")!;
    expect(support.bases).toEqual({ "2024.1": null, "2026.1": "2024.1", "2026.2": "2026.1" });
  });
});

describe("a version that extends another", () => {
  it("changes weights by id, adds an indicator where after: puts it, and keeps everything else", () => {
    const { scheme: s } = load(
      scheme({
        version: "2",
        extends: "1",
        effective_from: "2026-07-01",
        dimensions: [{ id: "work", indicators: [{ id: "resolved", weight: 50 }, { after: "resolved", ...ind("first_response", "first_response_minutes_median", 10, { scoring: { method: "target", floor: 240, target: 5 } }) }] }],
      }),
    );
    const [v1, v2] = s.versions;
    expect(v2!.dimensions[0]!.indicators.map((i) => [i.id, i.weight])).toEqual([
      ["resolved", 50],
      ["first_response", 10],
      ["reopen", 40],
    ]);
    expect(v2!.dimensions[1]).toEqual(v1!.dimensions[1]);
    expect(v2!.grades).toEqual(v1!.grades);
    expect(v2!.rules).toEqual(v1!.rules);
    // notes are each version's own: a version that says nothing about what changed has no notes
    expect(v2!.notes).toBeUndefined();
  });

  it("is hashed as the same version written in full", () => {
    const full = scheme();
    const written = { ...(structuredClone(full.versions[0]!) as { dimensions: Array<{ indicators: Array<{ weight: number }> }> }), version: "2", effective_from: "2026-07-01", notes: "second" };
    written.dimensions[0]!.indicators[0]!.weight = 70;
    written.dimensions[0]!.indicators[1]!.weight = 30;
    const a = load({ ...full, versions: [...full.versions, written] });
    const b = load(scheme({ version: "2", extends: "1", effective_from: "2026-07-01", notes: "second", dimensions: [{ id: "work", indicators: [{ id: "resolved", weight: 70 }, { id: "reopen", weight: 30 }] }] }));
    expect(b.hashes).toEqual(a.hashes);
    expect(b.scheme).toEqual(a.scheme);
  });

  it("merges objects by key, drops a key set to null (back to its default), and replaces a scoring whose method changes", () => {
    const { scheme: s } = load(
      scheme({
        version: "2",
        extends: "1",
        effective_from: "2026-07-01",
        rules: { incentives: { bonus_min_score: 90, honours_top: null }, bottom_group: { share: 0.1 } },
        dimensions: [{ id: "attitude", name: { en: "Service attitude" }, indicators: [{ id: "csat", scoring: { method: "percentile" }, adjust: null }] }],
      }),
    );
    const v2 = s.versions[1]!;
    expect(v2.rules.incentives).toEqual({ bonus_min_score: 90, promotion_consecutive_periods: 3, training_below_score: 70, honours_top: 3 });
    expect(v2.rules.bottom_group).toEqual({ share: 0.1, min_population: 5, consecutive_quarters: 3 });
    expect(v2.dimensions[1]!.name).toEqual({ en: "Service attitude" });
    expect(v2.dimensions[1]!.indicators[0]!.scoring).toEqual({ method: "percentile" });
    expect(v2.dimensions[1]!.indicators[0]!.adjust).toBe("none");
  });

  it("removes indicators and dimensions with remove: true, places with before:, and orders merged grades by min", () => {
    const { scheme: s } = load(
      scheme(
        {
          version: "2",
          extends: "1",
          effective_from: "2026-07-01",
          grades: [{ grade: "A", min: 85 }, { grade: "S", min: 95, name: { en: "Star" } }],
          dimensions: [
            { id: "attitude", remove: true },
            { id: "work", weight: 100, indicators: [{ id: "reopen", remove: true }, { id: "resolved", weight: 80 }, { before: "resolved", ...ind("sla", "sla_attainment", 20, { scoring: { method: "target", floor: 0.5, target: 0.95 } }) }] },
          ],
        },
        // a version may extend one that extends another
        { version: "3", extends: "2", effective_from: "2027-01-01", grades: [{ grade: "S", remove: true }] },
      ),
    );
    const [, v2, v3] = s.versions;
    expect(v2!.dimensions.map((d) => [d.id, d.weight, d.indicators.map((i) => i.id)])).toEqual([["work", 100, ["sla", "resolved"]]]);
    expect(v2!.grades.map((g) => [g.grade, g.min])).toEqual([
      ["S", 95],
      ["A", 85],
      ["B", 0],
    ]);
    expect(v3!.grades.map((g) => g.grade)).toEqual(["A", "B"]);
    expect(v3!.dimensions).toEqual(v2!.dimensions);
  });
});

describe("a wrong extends", () => {
  it("names the file and the field of an unknown base", () => {
    expect(messageOf(scheme({ version: "2", extends: "0.9", effective_from: "2026-07-01" }))).toBe(
      "schemes/t.yaml is not valid:\n  versions.1.extends: no version '0.9' in this scheme to extend; its versions: 1, 2",
    );
  });
  it("refuses versions that extend each other, and a version that extends itself", () => {
    const s = scheme({ version: "2", extends: "3", effective_from: "2026-07-01" }, { version: "3", extends: "2", effective_from: "2027-01-01" });
    expect(messageOf(s)).toBe(
      "schemes/t.yaml is not valid:\n  versions.2.extends: versions extend each other in a cycle (2 extends 3 extends 2); one of them must be written in full",
    );
    expect(messageOf(scheme({ version: "2", extends: "2", effective_from: "2026-07-01" }))).toContain(
      "versions.1.extends: versions extend each other in a cycle (2 extends 2)",
    );
  });
  it("names what a change cannot find: an indicator to remove, a place to put one", () => {
    expect(messageOf(scheme({ version: "2", extends: "1", effective_from: "2026-07-01", dimensions: [{ id: "work", indicators: [{ id: "speed", remove: true }] }] }))).toContain(
      "versions.1.dimensions.0.indicators.0.remove: the base has no indicator 'speed' to remove; its indicators: resolved, reopen",
    );
    expect(
      messageOf(scheme({ version: "2", extends: "1", effective_from: "2026-07-01", dimensions: [{ id: "work", indicators: [{ id: "resolved", after: "speed" }] }] })),
    ).toContain("versions.1.dimensions.0.indicators.0.after: no indicator 'speed' to place 'resolved' after; the indicators: reopen");
    expect(messageOf(scheme({ version: "2", extends: 2026.1, effective_from: "2026-07-01" }))).toContain('versions.1.extends: extends names a version of the same scheme, like extends: "2026.1" (quoted)');
  });
  it("checks the flattened version like any other, and says which versions it was made of", () => {
    const msg = messageOf(scheme({ version: "2", extends: "1", effective_from: "2026-07-01", dimensions: [{ id: "work", indicators: [{ id: "resolved", weight: 50 }] }] }));
    expect(msg).toContain(
      "versions.1.dimensions.0.indicators: weights of dimension 'work' add up to 90; they must add up to 100 (in version 2 as flattened: its changes on 1)",
    );
  });
  it("says that remove:, after: and before: belong to a version that extends another", () => {
    const s = scheme();
    const first = s.versions[0] as { dimensions: Array<{ indicators: Array<Record<string, unknown>> }> };
    first.dimensions[0]!.indicators[0]!.remove = true;
    expect(messageOf(s)).toContain('versions.0.dimensions.0: remove: only means something in a version that extends another (extends: "<version>")');
  });
});
