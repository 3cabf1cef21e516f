/**
 * Hangs and odd files (issue 10 item 8): a FIFO given to `ingest --file` used to hang holding the warehouse and ignore
 * SIGTERM; a folder or an unreadable file surfaced as a raw EISDIR/EACCES; `status` called a killed run's dead pid
 * "now running"; agent ids that differ only in characters unsafe for file names shared one page file.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, openSync, closeSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { unreadableFile } from "../../core/file-access.ts";
import { sha256File, loadFile } from "../../data-loaders/ingest/load-file.ts";
import { loadMapping } from "../../data-loaders/mappings/schema.ts";
import { Warehouse } from "../../core/db/warehouse.ts";
import { publish } from "../../pipelines/publish/publish.ts";
import { readStatus, formatStatus } from "../../pipelines/status.ts";
import { liveOwner } from "../../pipelines/schedule/lock.ts";
import { shardKey, shardName } from "../../src/components/shard-name.js";
import { buildDepartment } from "../helpers/department.ts";
import { runCli } from "../helpers/cli.ts";
import { tempDir, TZ, writeFile } from "../helpers/warehouse.ts";

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  // a file this user may not read: as root (CI) chmod 000 does not stop a read, so the check's access call is refused here
  const accessSync: typeof fs.accessSync = (p, mode) => {
    if (String(p).endsWith("no-access.csv")) throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
    return fs.accessSync(p, mode);
  };
  return { ...fs, default: { ...fs, accessSync }, accessSync };
});

let dir: string;
let cleanup: () => void;
let config: string;
let fifo: string;

beforeAll(() => {
  const t = tempDir();
  dir = t.dir;
  cleanup = t.cleanup;
  fifo = path.join(dir, "tickets.fifo");
  execFileSync("mkfifo", [fifo]);
  config = writeFile(dir, "appraisal.config.yaml", `warehouse: wh/appraisal.duckdb\nsources:\n  - { name: tickets, path: ${path.join(dir, "tickets.csv")}, mapping: canonical/tickets }\n`);
});
afterAll(() => cleanup?.());

describe("files that are not regular, readable files", () => {
  it("`ingest --file` on a FIFO is refused at once, without touching the warehouse", async () => {
    const t0 = Date.now();
    const child = runCli(["--config", config, "ingest", "--file", fifo, "--mapping", "canonical/tickets"]);
    const timer = setTimeout(() => child.proc.kill("SIGKILL"), 20_000);
    const { code } = await child.exited;
    clearTimeout(timer);
    expect(code).toBe(1);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(child.output()).toContain(`${fifo} is a named pipe (FIFO), not a regular file; nothing was read`);
    expect(readdirSync(path.join(dir))).not.toContain("wh");
  });

  it("a folder, a FIFO and a file without read access each get a message that says what to do", async () => {
    const folder = path.join(dir, "exports");
    mkdirSync(folder);
    expect(unreadableFile(folder)).toBe(`${folder} is a folder, not a file; name one file, or the files in it with a pattern such as ${folder}/*.csv`);
    expect(unreadableFile(fifo)).toMatch(/is a named pipe \(FIFO\), not a regular file/);
    const locked = writeFile(dir, "no-access.csv", "ticket_id\n");
    expect(unreadableFile(locked)).toMatch(/no-access\.csv cannot be read: permission denied for \S+; give that user read access \(for example chmod o\+r, or chown\)/);
    expect(unreadableFile(path.join(dir, "nope.csv"))).toMatch(/nope\.csv does not exist; check the path/);
    // through the loader: recorded as an unreadable file (status lists it), no raw EISDIR
    const wh = await Warehouse.open(path.join(dir, "load.duckdb"), { timezone: TZ });
    try {
      for (const file of [folder, fifo, locked]) {
        const s = await loadFile(wh, { file, source: "tickets", mapping: loadMapping("canonical/tickets") });
        expect(s.status).toBe("failed");
        expect(s.message).not.toMatch(/EISDIR|EACCES|ENXIO/);
      }
      expect(await wh.value("SELECT count(*) FROM meta.batches WHERE rows_read < 0")).toBe(3);
    } finally {
      wh.close();
    }
  });

  it("a read that stalls (a share that stopped answering) times out instead of hanging", async () => {
    const stalled = sha256File(fifo, 300);
    await expect(stalled).rejects.toThrow(/reading stopped: no data for 0.3 s/);
    // release the blocked open of the pipe (a writer that closes at once)
    closeSync(openSync(fifo, "w"));
  });
});

describe("status after a killed run", () => {
  it("does not call a dead pid 'now running'", async () => {
    const file = path.join(dir, "status.duckdb");
    const wh = await Warehouse.open(file, { timezone: TZ });
    await wh.run("INSERT INTO meta.runs (run_id, kind, started_at, outcome) VALUES (1, 'run', now(), 'running')");
    wh.close();
    // a process that has exited: its pid is free
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    writeFileSync(`${file}.lock.json`, JSON.stringify({ pid: Number(dead.stdout), host: hostname(), command: "run", since: "2026-11-01T00:00:00.000Z" }));
    const { owner, dead: deadOwner } = liveOwner(file);
    expect(owner).toBeNull();
    expect(deadOwner?.pid).toBe(Number(dead.stdout));
    const cfg = writeFile(dir, "status.config.yaml", `warehouse: status.duckdb\nsources:\n  - { name: t, path: x.csv, mapping: canonical/tickets }\n`);
    const child = runCli(["--config", cfg, "status"]);
    await child.exited;
    expect(child.output()).not.toContain("now running");
    expect(child.output()).toMatch(new RegExp(`interrupted: 'run' \\(pid ${dead.stdout}, since 2026-11-01T00:00:00.000Z\\) is no longer running \\(killed\\?\\)`));
    expect(child.output()).toMatch(/#1 run .* interrupted/);
    // a live holder is still shown as running
    writeFileSync(`${file}.lock.json`, JSON.stringify({ pid: process.pid, host: hostname(), command: "run", since: "2026-11-01T00:00:00.000Z" }));
    const w2 = await Warehouse.open(file, { timezone: TZ, readOnly: true });
    try {
      const s = await readStatus(w2, { lock: liveOwner(file).owner });
      expect(formatStatus(s)).toContain(`now running: 'run' (pid ${process.pid}`);
    } finally {
      w2.close();
    }
  });
});

describe("agent page file names", () => {
  it("are collision-free and reversible", () => {
    expect(shardName("AB/1")).toBe("AB~2F1");
    expect(shardName("AB_2F1")).toBe("AB_2F1");
    expect(shardName("rater_calibration")).toBe("rater_calibration");
    expect(shardName("E1007")).toBe("E1007");
    expect(shardName("2026-Q3")).toBe("2026-Q3");
    const ids = ["AB/1", "AB_2F1", "AB~2F1", "AB%2F1", "ab/1", "A.B", "A~2EB", "A_2EB", "王伟", "..", "a b", "x#1", "x@y+z:1"];
    const names = ids.map(shardName);
    expect(new Set(names).size).toBe(ids.length);
    for (const [i, n] of names.entries()) {
      expect(n).toMatch(/^[A-Za-z0-9_~-]+$/);
      expect(shardKey(n)).toBe(ids[i]);
    }
  });

  it("give two agents whose ids differ only in unsafe characters a page file each", async () => {
    const d = await buildDepartment({
      roster: { header: ["agent_id", "display_name", "team", "department", "hire_date"], rows: [["AB/1", "Ann", "T1", "Support", "2025-01-01"], ["AB_2F1", "Bo", "T1", "Support", "2025-01-01"]] },
      tickets: {
        header: ["ticket_id", "created_at", "resolved_at", "status", "priority", "assignee_id"],
        rows: [
          ["T1", "2026-01-01 09:00:00", "2026-01-01 12:00:00", "resolved", "normal", "AB/1"],
          ["T2", "2026-01-02 09:00:00", "2026-01-02 10:00:00", "resolved", "normal", "AB_2F1"],
        ],
      },
    });
    try {
      const snap = await publish(d.wh, { root: path.join(d.dir, "published"), audience: "staff", scheme: "golden", language: "en" });
      const files = readdirSync(path.join(snap.dir, "shards", "agents")).sort();
      expect(files).toEqual(["AB_2F1.json", "AB~2F1.json"]);
      for (const f of files) {
        const agent = JSON.parse(readFileSync(path.join(snap.dir, "shards", "agents", f), "utf8")).agent.agent_id;
        expect(shardName(agent)).toBe(f.replace(/\.json$/, ""));
      }
    } finally {
      d.done();
    }
  });
});
