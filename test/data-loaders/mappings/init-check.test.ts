/**
 * The way a department maps its own exports: `mapping init` drafts a mapping from the file, `mapping check`
 * dry-runs it, `ingest` loads it. On every shipped fixture the draft loads exactly what the shipped mapping loads,
 * with no edit; a Chinese helpdesk export with no shipped mapping is placed from its Chinese headers and values.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadFile } from "../../../data-loaders/ingest/load-file.ts";
import { checkMapping, formatCheck } from "../../../data-loaders/mappings/check.ts";
import { initMapping } from "../../../data-loaders/mappings/init.ts";
import { loadMapping } from "../../../data-loaders/mappings/schema.ts";
import { Warehouse } from "../../../core/db/warehouse.ts";
import { TZ, tempDir, withWarehouse } from "../../helpers/warehouse.ts";

const FIXTURES = path.join(import.meta.dirname, "..", "..", "fixtures");
const roster = (vendor: string) => ({ file: path.join(FIXTURES, vendor, "roster.csv"), mapping: loadMapping("canonical/agents") });

const CASES = [
  { vendor: "freshdesk", file: "tickets.csv", shipped: "freshdesk-tickets-csv", counts: [5, 4, 1] },
  { vendor: "servicenow", file: "incident_event_log.csv", shipped: "servicenow-incidents-csv", counts: [10, 3, 1] },
  { vendor: "jsm", file: "issues.csv", shipped: "jsm-issues-csv", counts: [5, 4, 1] },
  { vendor: "zammad", file: "tickets-2026-03.csv", shipped: "zammad-tickets-csv", counts: [5, 4, 1] },
  { vendor: "zendesk", file: "tickets.csv", shipped: "zendesk-tickets-csv", counts: [4, 3, 1] },
];

async function ticketsAfterLoading(mapping: string, vendor: string, file: string) {
  return withWarehouse(async (wh: Warehouse) => {
    await loadFile(wh, { file: roster(vendor).file, source: "roster", mapping: roster(vendor).mapping });
    const s = await loadFile(wh, { file: path.join(FIXTURES, vendor, file), source: "t", mapping: loadMapping(mapping) });
    const rows = await wh.all("SELECT * EXCLUDE (_batch_id, _problems) FROM raw.tickets ORDER BY ticket_id, updated_at");
    const quarantine = await wh.all("SELECT record, line, field, reason FROM meta.quarantine WHERE source = 't' ORDER BY line, field");
    return { counts: [s.rowsRead, s.inserted, s.quarantined], rows, quarantine };
  });
}

describe("init, check, ingest on every shipped fixture, without editing the draft", () => {
  it.each(CASES)("$vendor: the header is recognised and the draft loads what $shipped loads", async ({ vendor, file, shipped, counts }) => {
    const { dir, cleanup } = tempDir();
    try {
      const draft = await initMapping({ file: path.join(FIXTURES, vendor, file), table: "tickets", timezone: TZ });
      expect(draft.product?.mapping).toBe(shipped);
      expect(draft.unplaced.filter((u) => u.required)).toEqual([]);
      const draftFile = path.join(dir, `${vendor}.yaml`);
      writeFileSync(draftFile, draft.yaml);

      const check = await checkMapping({ file: path.join(FIXTURES, vendor, file), mapping: loadMapping(draftFile), timezone: TZ, roster: roster(vendor) });
      expect(check.fileError).toBeUndefined();
      expect([check.rowsChecked, check.wouldLoad, check.quarantinedRows]).toEqual(counts);

      const viaDraft = await ticketsAfterLoading(draftFile, vendor, file);
      const viaShipped = await ticketsAfterLoading(shipped, vendor, file);
      expect(viaDraft.counts).toEqual(counts);
      expect(viaDraft.rows).toEqual(viaShipped.rows);
      expect(viaDraft.quarantine).toEqual(viaShipped.quarantine);
    } finally {
      cleanup();
    }
  });
});

describe("a Chinese helpdesk export (GBK, Chinese headers, no shipped mapping)", () => {
  const file = path.join(FIXTURES, "chinese-helpdesk", "tickets-gbk.csv");
  const rosterFile = path.join(FIXTURES, "chinese-helpdesk", "roster-gbk.csv");

  it("init places every field it can from the Chinese headers and values, and says what it could not place", async () => {
    const r = await initMapping({ file, table: "tickets", timezone: TZ });
    expect(r.product).toBeNull();
    expect(r.sample.encoding).toBe("gb18030");
    const d = r.draft as { columns: Record<string, unknown>; timestamp_formats: string[]; null_tokens: string[]; agent_match: string[] };
    expect(d.columns).toMatchObject({
      ticket_id: "工单编号",
      subject: "标题",
      created_at: "创建时间",
      first_response_at: "首次响应时间",
      resolved_at: "工单被解决时间",
      closed_at: "工单被关闭时间",
      updated_at: "最后更新时间",
      category: "类型",
      channel: "工单来源",
      queue: "受理客服组",
      assignee_id: "受理客服",
      status: { column: "状态", values: { 已解决: "resolved", 已关闭: "closed", 开启: "open", 待回复: "pending" } },
      priority: { column: "优先级", values: { 中: "normal", 高: "high", 紧急: "urgent", 低: "low" } },
    });
    // the requester (发起人) is a customer's name: not placed; nor the satisfaction text
    expect(JSON.stringify(d.columns)).not.toContain("发起人");
    expect(d.timestamp_formats).toEqual(["%Y/%m/%d %H:%M"]);
    expect(d.null_tokens).toEqual(["-"]);
    expect(d.agent_match[0]).toBe("display_name");
    expect(r.unplaced.map((u) => u.field)).toEqual(expect.arrayContaining(["reopen_count", "sla_due_at", "complaint"]));
    expect(r.unplaced.filter((u) => u.required)).toEqual([]);
    expect(r.yaml).toMatch(/# Not placed: .*reopen_count/);
  });

  it("the roster with Chinese headers is recognised as the Chinese HR layout (demo/roster)", async () => {
    const r = await initMapping({ file: rosterFile, table: "agents", timezone: TZ });
    expect(r.product?.mapping).toBe("demo/roster");
  });

  it("check dry-runs the draft on the first rows: values before and after, the rows that would be quarantined, nothing written", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const draft = await initMapping({ file, table: "tickets", timezone: TZ });
      const draftFile = path.join(dir, "kf5.yaml");
      writeFileSync(draftFile, draft.yaml);
      const rosterDraft = path.join(dir, "roster.yaml");
      writeFileSync(rosterDraft, (await initMapping({ file: rosterFile, table: "agents", timezone: TZ })).yaml);
      const r = await checkMapping({ file, mapping: loadMapping(draftFile), timezone: TZ, roster: { file: rosterFile, mapping: loadMapping(rosterDraft) } });
      expect([r.rowsChecked, r.wouldLoad, r.quarantinedRows]).toEqual([5, 4, 1]);
      expect(r.roster).toMatch(/^3 agent\(s\) from/);
      const field = (f: string) => r.fields.find((x) => x.field === f)!;
      expect(field("status").examples[0]).toEqual({ before: "已解决", after: "resolved" });
      expect(field("created_at").examples[0]).toEqual({ before: "2026/3/2 9:14", after: "2026-03-02 09:14:00+08" });
      expect(field("assignee_id").examples).toContainEqual({ before: "王芳", after: "E4001" });
      expect(r.problems).toContainEqual(expect.objectContaining({ line: 6, field: "assignee_id", value: "外包客服", reason: expect.stringMatching(/^unknown agent: not in the roster/) }));
      expect(r.metricsWithoutInput.map((m) => m.metric)).toEqual(expect.arrayContaining(["reopen_rate", "sla_attainment", "complaint_rate"]));
      const text = formatCheck(r);
      expect(text).toMatch(/nothing was written/);
      expect(text).toMatch(/'状态' \(value map\)\s+"已解决" -> resolved/);
      expect(text).toMatch(/line 6, assignee_id "外包客服": unknown agent: not in the roster/);

      // only the first rows: two of five
      const two = await checkMapping({ file, mapping: loadMapping(draftFile), timezone: TZ, rows: 2, roster: { file: rosterFile, mapping: loadMapping(rosterDraft) } });
      expect([two.rowsChecked, two.wouldLoad, two.quarantinedRows]).toEqual([2, 2, 0]);
    } finally {
      cleanup();
    }
  });

  it("check reads the roster from the warehouse read-only and leaves the warehouse file as it was", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const whFile = path.join(dir, "wh.duckdb");
      const wh = await Warehouse.open(whFile, { timezone: TZ });
      try {
        await loadFile(wh, { file: rosterFile, source: "roster", mapping: loadMapping("demo/roster") });
        await wh.run("CHECKPOINT");
      } finally {
        wh.close();
      }
      const draftFile = path.join(dir, "kf5.yaml");
      writeFileSync(draftFile, (await initMapping({ file, table: "tickets", timezone: TZ })).yaml);
      const before = { bytes: readFileSync(whFile), mtime: statSync(whFile).mtimeMs };
      const r = await checkMapping({ file, mapping: loadMapping(draftFile), timezone: TZ, roster: { warehouse: whFile } });
      expect(r.roster).toMatch(/^3 agent\(s\) in force in the warehouse/);
      expect(r.wouldLoad).toBe(4);
      expect(readFileSync(whFile).equals(before.bytes)).toBe(true);
      expect(statSync(whFile).mtimeMs).toBe(before.mtime);
    } finally {
      cleanup();
    }
  });
});
