/**
 * The drop folder with two real export layouts: a Wenjuanxing (问卷星) CSAT export in GBK with Chinese answer
 * labels, and a Google Forms responses sheet as CSV (no response id: ids are hashes of the answers).
 */
import { existsSync, readdirSync, readFileSync, utimesSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ingestSources } from "../../../data-loaders/ingest/ingest.ts";
import { DropFolder } from "../../../core/config/drop-folder.ts";
import { Warehouse } from "../../../core/db/warehouse.ts";
import { csv, tempDir, testConfig, TZ, writeFile } from "../../helpers/warehouse.ts";

let dir: string;
let cleanup: () => void;
let wh: Warehouse;

const roster = () =>
  writeFile(
    dir,
    "roster.csv",
    csv(["agent_id", "display_name", "team", "department", "hire_date"], ["E1", "E2", "E3"].map((id) => [id, `Agent ${id}`, "T1", "Support", "2025-01-01"])),
  );

const WJX_HEADER = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、工单编号", "2、服务工程师工号", "3、您对本次服务的满意度", "4、其他意见或建议"];
const GF_HEADER = ["Timestamp", "Ticket number", "Support engineer ID", "How satisfied are you with the support you received?", "Anything else you would like to tell us?"];
const GF_ROWS: Array<Array<string | number>> = [
  ["10/8/2026 14:05:33", "T-1", "E1", 5, "great"],
  ["10/9/2026 9:15:02", "T-2", "E2", 3, ""],
];

function config() {
  return testConfig(dir, [{ name: "roster", path: roster(), mapping: "canonical/agents" }], {
    drop_folder: DropFolder.parse({
      path: "inbox",
      done: "done",
      failed: "failed",
      settle_seconds: 0,
      rules: [
        { match: "问卷星*.csv", mapping: "surveys/wenjuanxing-csat" },
        { match: "*Responses*.csv", mapping: "surveys/google-forms-csat" },
      ],
    }),
  });
}

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  wh = await Warehouse.open(path.join(dir, "wh.duckdb"), { timezone: TZ });
});
afterEach(() => {
  wh.close();
  cleanup();
});

describe("drop folder", () => {
  it("loads a Wenjuanxing GBK export and a Google Forms CSV, moves them to done/, and leaves what it cannot match", async () => {
    writeFile(
      dir,
      "inbox/问卷星-客户满意度-202610.csv",
      csv(WJX_HEADER, [
        [1, "2026/10/8 14:05:33", "35秒", "微信", "N/A", "1.2.3.4(上海)", "T-1", "E1", "非常满意", "很好"],
        [2, "2026/10/9 9:15:02", "50秒", "手机提交", "N/A", "5.6.7.8(北京)", "T-2", "E2", "一般", ""],
        [3, "2026/10/9 10:00:00", "20秒", "微信", "N/A", "5.6.7.8(北京)", "T-3", "E9", "不满意", ""],
      ]),
      "gbk",
    );
    writeFile(dir, "inbox/CSAT survey (Responses) - Form Responses 1.csv", csv(GF_HEADER, GF_ROWS));
    writeFile(dir, "inbox/notes.txt", "not a survey");
    const cfg = config();
    const r = await ingestSources(wh, cfg);
    expect(r.errors).toEqual([]);
    const rows = await wh.all("SELECT response_id, agent_id, score, scale, strftime(submitted_at AT TIME ZONE 'Asia/Shanghai', '%Y-%m-%d %H:%M') AS at FROM raw.csat WHERE NOT _bad ORDER BY response_id");
    expect(rows.filter((x) => String((x as { response_id: string }).response_id).startsWith("WJX"))).toEqual([
      { response_id: "WJX-CSAT-1", agent_id: "E1", score: 5, scale: "1-5", at: "2026-10-08 14:05" },
      { response_id: "WJX-CSAT-2", agent_id: "E2", score: 3, scale: "1-5", at: "2026-10-09 09:15" },
    ]);
    expect(rows.filter((x) => String((x as { response_id: string }).response_id).startsWith("GF-"))).toHaveLength(2);
    // the unknown agent is quarantined with file, record and reason, not dropped
    const q = await wh.all<{ file: string; record: number; field: string; reason: string; value: string }>("SELECT file, record, field, reason, value FROM meta.quarantine");
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({ record: 3, field: "agent_id", value: "E9" });
    expect(q[0]!.reason).toMatch(/^unknown agent: not in the roster/);
    // the IP column (personal data) is not mapped anywhere
    expect(JSON.stringify(await wh.all("SELECT * FROM raw.csat"))).not.toContain("1.2.3.4");
    // loaded files moved to done/<date>/; the unmatched file stays, with the reason said
    expect(readdirSync(path.join(dir, "inbox")).sort()).toEqual(["done", "notes.txt"]);
    expect(r.left.map((l) => path.basename(l.file))).toEqual(["notes.txt"]);
    expect(r.left[0]!.reason).toContain("no rule in drop_folder.rules matches");

    // Google Forms exports every response each time: the next export stores only the new one
    writeFile(dir, "inbox/CSAT survey (Responses) - Form Responses 1.csv", csv(GF_HEADER, [...GF_ROWS, ["10/10/2026 8:00:00", "T-4", "E3", 4, ""]]));
    const again = await ingestSources(wh, cfg);
    expect(again.batches.find((b) => b.file.includes("Responses"))).toMatchObject({ inserted: 1, unchanged: 2 });
    expect(Number(await wh.value("SELECT count(*) FROM raw.csat WHERE response_id LIKE 'GF-%'"))).toBe(3);
  });

  it("leaves a file still being written for the next run, and moves an unreadable one to failed/ with the reason", async () => {
    writeFile(dir, "inbox/CSAT (Responses).csv", csv(GF_HEADER, GF_ROWS));
    writeFile(dir, "inbox/问卷星-空.csv", "");
    const old = new Date(Date.now() - 120_000);
    utimesSync(path.join(dir, "inbox/问卷星-空.csv"), old, old);
    const cfg = config();
    cfg.drop_folder!.settle_seconds = 60;
    const r = await ingestSources(wh, cfg);
    expect(r.left.map((l) => l.reason)).toEqual([expect.stringContaining("still being copied")]);
    expect(existsSync(path.join(dir, "inbox/CSAT (Responses).csv"))).toBe(true);
    expect(r.errors.join("\n")).toContain("the file is empty");
    const failed = path.join(dir, "inbox/failed/问卷星-空.csv");
    expect(existsSync(failed)).toBe(true);
    expect(readFileSync(`${failed}.error.txt`, "utf8")).toContain("the file is empty");
  });
});
