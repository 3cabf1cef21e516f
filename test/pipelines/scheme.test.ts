/**
 * The scheme contract: the shipped schemes are valid, and a wrong scheme gets a message a person can act on.
 */
import path from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { loadSchemes, parseScheme, versionInForce } from "../../pipelines/scheme/load.ts";

const SCHEMES = path.join(import.meta.dirname, "..", "..", "schemes");

/** a valid two-dimension scheme to break in each case */
const base = () => ({
  id: "t",
  name: { en: "T" },
  period_types: ["month"],
  versions: [
    {
      version: "1",
      effective_from: "2026-01-01",
      grades: [
        { grade: "A", min: 80, name: { en: "A" } },
        { grade: "B", min: 0, name: { en: "B" } },
      ],
      dimensions: [
        {
          id: "work",
          name: { en: "Work" },
          weight: 80,
          indicators: [{ id: "resolved", name: { en: "Resolved" }, metric: "tickets_resolved", weight: 100, scoring: { method: "target", floor: 0, target: 50 } }],
        },
        {
          id: "attitude",
          name: { en: "Attitude" },
          weight: 20,
          indicators: [
            { id: "csat", name: { en: "CSAT" }, metric: "csat", weight: 60, scoring: { method: "target", floor: 0.5, target: 0.95 }, adjust: "bayes" },
            { id: "complaints", name: { en: "Complaints" }, metric: "complaint_rate", weight: 40, scoring: { method: "target", floor: 5, target: 0 } },
          ],
        },
      ],
    },
  ],
});

const messageOf = (scheme: unknown) => {
  try {
    parseScheme(YAML.stringify(scheme), "schemes/t.yaml");
    return "valid";
  } catch (e) {
    return (e as Error).message;
  }
};

describe("the shipped schemes", () => {
  it("are valid, with the seed's 45/25/20/10 support plan", () => {
    const schemes = loadSchemes(SCHEMES);
    expect(schemes.map((s) => s.scheme.id).sort()).toEqual(["engineering-yearly", "support-weighted", "team-monthly"]);
    const support = schemes.find((s) => s.scheme.id === "support-weighted")!.scheme;
    for (const v of support.versions) expect(v.dimensions.map((d) => [d.id, d.weight])).toEqual([
      ["work_completion", 45],
      ["professional_skills", 25],
      ["service_attitude", 20],
      ["solution_quality", 10],
    ]);
  });

  it("pick the version in force for a date", () => {
    const support = loadSchemes(SCHEMES).find((s) => s.scheme.id === "support-weighted")!.scheme;
    expect(versionInForce(support, "2025-12-01")?.version).toBe("2024.1");
    // before the first version: the first version, since the shipped schemes name no start
    expect(versionInForce(support, "2019-03-01")?.version).toBe("2024.1");
    expect(versionInForce(support, "2026-01-01")?.version).toBe("2026.1");
    expect(versionInForce(support, "2026-07-01")?.version).toBe("2026.2");
  });

  it("keep the rank-uncertainty settings beside the versions, so that they change no version's hash", () => {
    const support = loadSchemes(SCHEMES).find((s) => s.scheme.id === "support-weighted")!;
    expect(support.scheme.uncertainty).toEqual({ replicates: 200, seed: 20260701, level: 0.95, period_types: ["quarter", "year"] });
    const without = parseScheme(YAML.stringify({ ...base(), uncertainty: undefined }), "a.yaml");
    const withIt = parseScheme(YAML.stringify({ ...base(), uncertainty: { replicates: 50, seed: 1, period_types: ["month"] } }), "b.yaml");
    expect(withIt.hashes).toEqual(without.hashes);
    expect(withIt.scheme.uncertainty?.level).toBe(0.95);
  });
});

describe("a wrong scheme", () => {
  it("names the dimension whose indicator weights do not add up", () => {
    const s = base();
    s.versions[0]!.dimensions[1]!.indicators[1]!.weight = 35;
    expect(messageOf(s)).toContain("versions.0.dimensions.1.indicators: weights of dimension 'attitude' add up to 95; they must add up to 100");
  });
  it("says when the dimension weights do not add up", () => {
    const s = base();
    s.versions[0]!.dimensions[0]!.weight = 70;
    expect(messageOf(s)).toContain("dimension weights add up to 90; they must add up to 100");
  });
  it("lists the known metrics for an unknown one", () => {
    const s = base();
    s.versions[0]!.dimensions[0]!.indicators[0]!.metric = "tickets_closed";
    expect(messageOf(s)).toMatch(/unknown metric 'tickets_closed' in indicator 'resolved'; known metrics: tickets_resolved, tickets_held/);
  });
  it("refuses a small-sample adjustment on a count", () => {
    const s = base();
    (s.versions[0]!.dimensions[0]!.indicators[0] as Record<string, unknown>).adjust = "wilson";
    expect(messageOf(s)).toContain("adjust: wilson works only on rates; 'tickets_resolved' is a count");
  });
  it("catches a target on the wrong side of the floor", () => {
    const s = base();
    s.versions[0]!.dimensions[1]!.indicators[1]!.scoring = { method: "target", floor: 0, target: 5 };
    expect(messageOf(s)).toContain("'complaint_rate' is lower-is-better, so its target must be below its floor (floor 0, target 5)");
  });
  it("wants versions to start on the first of a month, oldest first", () => {
    const s = base();
    s.versions[0]!.effective_from = "2026-01-15";
    expect(messageOf(s)).toContain("a version takes effect on the first day of a month");
    const t = base();
    t.versions.push({ ...structuredClone(t.versions[0]!), version: "0", effective_from: "2025-01-01" });
    expect(messageOf(t)).toContain("list versions oldest first");
  });
  it("wants grades from the top down ending at 0", () => {
    const s = base();
    s.versions[0]!.grades = [
      { grade: "B", min: 10, name: { en: "B" } },
      { grade: "A", min: 80, name: { en: "A" } },
    ];
    expect(messageOf(s)).toMatch(/list grades from the highest band down[\s\S]*the last grade must start at 0/);
  });
  it("asks for rank intervals only on the period types the scheme scores, with enough replicates", () => {
    expect(messageOf({ ...base(), uncertainty: { replicates: 200, seed: 1, period_types: ["quarter"] } })).toContain(
      "uncertainty.period_types: the scheme scores month, not quarter; list only those in uncertainty.period_types",
    );
    expect(messageOf({ ...base(), uncertainty: { replicates: 5, seed: 1, period_types: ["month"] } })).toContain(
      "uncertainty.replicates: use at least 20 replicates (200 is a good default)",
    );
  });
  it("accepts the base scheme", () => {
    expect(messageOf(base())).toBe("valid");
  });
});
