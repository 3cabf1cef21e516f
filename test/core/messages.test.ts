/**
 * The main messages a user reads (core/messages.ts), pinned as they print: a change to a message shows here
 * as a changed snapshot, reviewed like any other change.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatZodError, msg } from "../../core/messages.ts";

const batch = { table: "tickets", status: "loaded" as const, rowsRead: 5878, inserted: 5208, replaced: 670, unchanged: 0, superseded: 0, quarantined: 0 };

describe("the CLI's lines", () => {
  it("ingest: one line per file, then the summary", () => {
    expect(msg.batchLine({ ...batch, file: "helpdesk:tickets page 3" })).toMatchInlineSnapshot(`"+ helpdesk:tickets page 3 -> raw.tickets: 5878 read, 5208 new, 670 newer versions, 0 quarantined"`);
    expect(msg.batchLine({ ...batch, file: "exports/tickets.csv", quarantined: 2, encoding: "gb18030", lineEndings: "CRLF and LF" })).toMatchInlineSnapshot(`"! exports/tickets.csv -> raw.tickets: 5878 read, 5208 new, 670 newer versions, 2 quarantined, line endings CRLF and LF [gb18030]"`);
    expect(msg.batchLine({ ...batch, file: "helpdesk:tickets", status: "skipped", message: "same sha256 as batch 12" })).toMatchInlineSnapshot(`"= helpdesk:tickets: unchanged (same sha256 as batch 12)"`);
    expect(msg.batchLine({ ...batch, file: "helpdesk:tickets", status: "failed", message: "the file is empty (no header row); nothing loaded" })).toMatchInlineSnapshot(`"x helpdesk:tickets: the file is empty (no header row); nothing loaded"`);
    expect(msg.ingestSummary(12, 3, 1, 120_000, 4, 12.345)).toMatchInlineSnapshot(`"ingest: 12 file(s) or page batch(es) loaded, 3 unchanged (loaded before), 1 unreadable, 120000 rows read, 4 quarantined, 12.3 s"`);
    expect(msg.unreadableFilesHint()).toMatchInlineSnapshot(`"  unreadable files are recorded with the reason: 'appraisal status' lists them; fix the file and ingest again"`);
  });

  it("run, pipeline and snapshot", () => {
    expect(msg.runSummary(7, 43, 7, 61.04, 3120, 41000)).toMatchInlineSnapshot(`"run #7: 43 models and 7 checks in 61.0 s; 3120 ranking rows, 41000 indicator scores"`);
    expect(msg.pendingKept(2)).toMatchInlineSnapshot(`"2 published period(s) keep their published figures; 'appraisal status' lists the changes pending"`);
    expect(msg.scoredWarehouse("/srv/appraisal/warehouse/appraisal.duckdb")).toMatchInlineSnapshot(`"scored warehouse: /srv/appraisal/warehouse/appraisal.duckdb"`);
    expect(msg.pipelineIncomplete(["exports/tickets-2026-09.csv"])).toMatchInlineSnapshot(`"pipeline: 1 file(s) could not be read (exports/tickets-2026-09.csv); the periods they cover cannot be published until they are fixed: fix the file(s) (the errors above say why), then run the pipeline again"`);
    expect(msg.pipelineIncomplete([])).toMatchInlineSnapshot(`"pipeline: some sources had errors; the periods they cover cannot be published until they are fixed: fix the file(s) (the errors above say why), then run the pipeline again"`);
    expect(msg.snapshotPublished("staff", 30, 80, 1, 11.94, "warehouse/published/staff/snap-1")).toMatchInlineSnapshot(`"published the staff snapshot (30 tables, 80 agent and 1 period files) in 11.9 s: warehouse/published/staff/snap-1"`);
    expect(msg.noWarehouseYet("warehouse/appraisal.duckdb")).toMatchInlineSnapshot(`"no warehouse at warehouse/appraisal.duckdb yet: run 'npm run pipeline' (or 'appraisal ingest' then 'appraisal run') first"`);
    expect(msg.waitingFor("a scheduled run (pid 4242)", 1800)).toMatchInlineSnapshot(`"waiting for a scheduled run (pid 4242) to finish (up to 1800 s; --wait to change) ..."`);
  });
});

describe("loaders and models", () => {
  it("name the file, the field and what to do next", () => {
    expect(msg.warehouseLocked("warehouse/appraisal.duckdb")).toMatchInlineSnapshot(`"the warehouse warehouse/appraisal.duckdb is in use by another process (an ingest or run is writing to it); wait for it to finish and try again"`);
    expect(msg.noSources()).toMatchInlineSnapshot(`"no sources are configured and this is not the demo; add 'sources:' to appraisal.config.yaml (see README, 'Point it at real exports')"`);
    expect(msg.noFiles("tickets", "exports/tickets-*.csv")).toMatchInlineSnapshot(`"source 'tickets': no file matches exports/tickets-*.csv"`);
    expect(msg.missingColumns("exports/tickets.csv", ["assignee_id"], ["Ticket ID", "Created", "Assignee"])).toMatchInlineSnapshot(`"exports/tickets.csv: missing column 'assignee_id'; the file has 'Ticket ID', 'Created', 'Assignee'. Fix the export or the mapping's 'columns'."`);
    expect(msg.fileMissing("exports/tickets.csv")).toMatchInlineSnapshot(`"exports/tickets.csv does not exist; check the path (a source's path is relative to the config file)"`);
    expect(msg.fileIsFolder("exports/")).toMatchInlineSnapshot(`"exports/ is a folder, not a file; name one file, or the files in it with a pattern such as exports/*.csv"`);
    expect(msg.fileNoAccess("exports/tickets.csv", "appraisal")).toMatchInlineSnapshot(`"exports/tickets.csv cannot be read: permission denied for appraisal; give that user read access (for example chmod o+r, or chown) and ingest again"`);
    expect(msg.readStalled("/mnt/share/tickets.csv", 60)).toMatchInlineSnapshot(`"/mnt/share/tickets.csv: reading stopped: no data for 60 s (a network share or device that stopped answering?); nothing was loaded. Copy the file to a local disk and ingest again (APPRAISAL_READ_TIMEOUT_SECONDS changes the wait)"`);
    expect(msg.emptyFile("exports/tickets.csv")).toMatchInlineSnapshot(`"exports/tickets.csv: the file is empty (no header row); nothing loaded"`);
    expect(msg.recordsPathNotList("export.json", "$.data", ["OBJECT"])).toMatchInlineSnapshot(`"export.json: records_path $.data points at object, not a list of records; nothing loaded. Fix records_path in the mapping (the path to the list, for example $.data.items)"`);
    expect(msg.notUtf8("exports/工单.csv")).toMatchInlineSnapshot(`"exports/工单.csv: the file is not valid UTF-8 and could not be read as GB18030 either; set 'encoding:' in its mapping (utf-8, gb18030, gbk, utf-16le)"`);
    expect(msg.undecodable(3, "GB18030")).toMatchInlineSnapshot(`"3 characters were not valid GB18030 and became U+FFFD; the rows were kept. If the text looks wrong, set 'encoding:' in the mapping"`);
    expect(msg.unknownAgentPeriod("E9999", "2026-Q3")).toMatchInlineSnapshot(`"no score for agent 'E9999' in 2026-Q3; check the id with 'appraisal status' and that the period has data and was run"`);
    expect(msg.periodsBeforeSchemeStart("support-weighted", "2025-01-01", 2, "quarter", "2024-Q3", "2024-Q4")).toMatchInlineSnapshot(`"scheme 'support-weighted' starts at 2025-01-01 (start: in its file), so 2 quarters with data (2024-Q3 to 2024-Q4) have no score; to score them, remove start: (the first version then applies to every earlier period) or set it earlier"`);
    expect(msg.periodNotInData("2027-Q1", "2024-11-01", "2026-10-31")).toMatchInlineSnapshot(`"no ticket data in 2027-Q1: the tickets cover 2024-11-01 to 2026-10-31; ingest the exports that cover it, then 'appraisal run'"`);
    expect(msg.periodTypeNotScored("support-weighted", "2026-W12", "week", ["month", "quarter", "year"])).toMatchInlineSnapshot(`"scheme 'support-weighted' scores month, quarter, year, not weeks like 2026-W12; pick another period or --scheme"`);
    expect(msg.badPeriod("Q3-2026")).toMatchInlineSnapshot(`"'Q3-2026' is not a period; write a month 2026-09, a quarter 2026-Q3 or a year 2026"`);
  });

  it("a contract's errors as file: field: message lines", () => {
    const r = z.object({ agent_id: z.string(), hire_date: z.iso.date() }).safeParse({ hire_date: "2026-13-01" });
    expect(formatZodError("roster.yaml", r.error!)).toMatchInlineSnapshot(`
      "roster.yaml is not valid:
        agent_id: Invalid input: expected string, received undefined
        hire_date: Invalid ISO date"
    `);
  });
});
