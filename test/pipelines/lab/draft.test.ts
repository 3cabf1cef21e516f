/**
 * Scheme-lab drafts that extend a version: their fields are changes merged as in a scheme file, and an adopted draft is
 * written into the scheme file as those changes (extends, and only what changes), hashing as the draft does.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { appendVersion } from "../../../pipelines/lab/adopt.ts";
import { applyDraft, Draft } from "../../../pipelines/lab/draft.ts";
import { loadSchemes, parseScheme, versionHash } from "../../../pipelines/scheme/load.ts";

const FILE = path.join(import.meta.dirname, "..", "..", "..", "schemes", "support-weighted.yaml");
const support = () => loadSchemes(path.dirname(FILE)).find((s) => s.scheme.id === "support-weighted")!;
const draft = (text: string) => Draft.parse(YAML.parse(text));

describe("a draft that extends a version", () => {
  const text = `scheme: support-weighted
version: "2027.1"
extends: "2026.2"
effective_from: 2027-01-01
notes: Certifications 25 -> 10; training hours 30, the 360 skill rating 60; a serious error costs more.
weights: { certifications: 10, training_hours: 30 }
dimensions:
  - id: professional_skills
    indicators: [{ id: skill_rating_360, weight: 60 }]
rules: { triggers: { quality: { serious_errors: 1 } } }
`;

  it("merges its changes into the base and takes the weights shortcut as changes too", () => {
    const { scheme } = support();
    const { version, basedOn, changes } = applyDraft(scheme, draft(text));
    expect(basedOn).toBe("2026.2");
    const skills = version.dimensions.find((d) => d.id === "professional_skills")!;
    expect(skills.indicators.map((i) => [i.id, i.weight])).toEqual([
      ["certifications", 10],
      ["training_hours", 30],
      ["skill_rating_360", 60],
    ]);
    expect(version.rules.triggers.quality).toEqual({ complaints: 6, serious_errors: 1 });
    // everything else is 2026.2's
    expect(version.dimensions.filter((d) => d.id !== "professional_skills")).toEqual(scheme.versions[2]!.dimensions.filter((d) => d.id !== "professional_skills"));
    expect(changes).toEqual({
      version: "2027.1",
      extends: "2026.2",
      effective_from: "2027-01-01",
      notes: "Certifications 25 -> 10; training hours 30, the 360 skill rating 60; a serious error costs more.",
      dimensions: [{ id: "professional_skills", indicators: [{ id: "skill_rating_360", weight: 60 }, { id: "certifications", weight: 10 }, { id: "training_hours", weight: 30 }] }],
      rules: { triggers: { quality: { serious_errors: 1 } } },
    });
  });

  it("is appended to the scheme file as its changes, and the file then hashes the version as the draft does", () => {
    const s = support();
    const { version, changes } = applyDraft(s.scheme, draft(text));
    const updated = appendVersion(readFileSync(FILE, "utf8"), changes!, FILE);
    expect(updated).toContain('  - version: "2027.1"\n    extends: "2026.2"\n');
    const again = parseScheme(updated, FILE);
    expect(again.hashes["2027.1"]).toBe(versionHash("support-weighted", version));
    for (const [name, h] of Object.entries(s.hashes)) expect(again.hashes[name]).toBe(h);
  });

  it("says what is wrong: extends with based_on, a base that does not exist, a change that cannot apply", () => {
    const { scheme } = support();
    expect(() => applyDraft(scheme, draft(`${text}based_on: "2026.1"\n`))).toThrow(/give either extends: .* or based_on: .*, not both/);
    expect(() => applyDraft(scheme, draft(text.replace('extends: "2026.2"', 'extends: "2025.9"')))).toThrow(
      "scheme 'support-weighted' has no version '2025.9' to start from; its versions: 2024.1, 2026.1, 2026.2",
    );
    expect(() => applyDraft(scheme, draft(text.replace("{ id: skill_rating_360, weight: 60 }", "{ id: csat, remove: true }")))).toThrow(
      "the draft's changes: dimensions.0.indicators.0.remove: the base has no indicator 'csat' to remove; its indicators: certifications, training_hours, skill_rating_360",
    );
  });
});
