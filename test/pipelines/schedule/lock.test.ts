/**
 * The run lock: one writer at a time; a waiter says what it waits for; a holder that was killed does not block
 * the next run until the lock goes stale.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireLock, LockBusy, readOwner } from "../../../pipelines/schedule/lock.ts";
import { sleep } from "../../helpers/cli.ts";
import { tempDir } from "../../helpers/warehouse.ts";

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe("run lock", () => {
  it("lets one holder in; another gives up with the holder's name, or waits and gets it", async () => {
    const file = path.join(dir, "wh.duckdb");
    const first = await acquireLock(file, { command: "schedule: nightly", waitMs: 0 });
    expect(readOwner(file)).toMatchObject({ pid: process.pid, command: "schedule: nightly" });
    const busy = await acquireLock(file, { command: "ingest", waitMs: 0 }).catch((e) => e);
    expect(busy).toBeInstanceOf(LockBusy);
    expect((busy as Error).message).toMatch(/'schedule: nightly' \(pid \d+/);
    const waits: string[] = [];
    const second = acquireLock(file, { command: "ingest", waitMs: 5000, pollMs: 20, onWait: (o) => waits.push(o?.command ?? "?") });
    await sleep(100);
    await first.release();
    const held = await second;
    expect(waits).toEqual(["schedule: nightly"]);
    expect(readOwner(file)?.command).toBe("ingest");
    await held.release();
    expect(readOwner(file)).toBeNull();
  });

  it("takes over at once from a holder that was killed", async () => {
    const file = path.join(dir, "wh.duckdb");
    const lockModule = path.resolve(import.meta.dirname, "../../../pipelines/schedule/lock.ts");
    const script = `const { acquireLock } = await import(${JSON.stringify(lockModule)}); await acquireLock(${JSON.stringify(file)}, { command: "doomed", waitMs: 0 }); console.log("held"); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => child.stdout.on("data", (b: Buffer) => b.toString().includes("held") && resolve()));
    child.kill("SIGKILL");
    await new Promise((r) => child.on("close", r));
    const t0 = Date.now();
    const held = await acquireLock(file, { command: "next", waitMs: 5000, pollMs: 20 });
    expect(Date.now() - t0).toBeLessThan(2000); // not the 30 s it takes the lock to go stale
    await held.release();
  });
});
