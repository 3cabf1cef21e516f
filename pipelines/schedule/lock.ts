/**
 * One writer at a time: every command that writes the warehouse (ingest, run, pipeline, publish, scheduled jobs)
 * holds this lock, so that a scheduled run and a manual run started at the same moment never overlap.
 * The lock is proper-lockfile's directory `<warehouse>.lock` (atomic mkdir, refreshed while held, stale after a
 * while); beside it `<warehouse>.lock.json` says who holds it, so a waiter can say what it waits for and can take
 * over at once from a holder that died on this host (a killed ingest) instead of waiting for the lock to go stale.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import lockfile from "proper-lockfile";
import { z } from "zod";

export const LockOwner = z.object({ pid: z.int(), host: z.string(), command: z.string(), since: z.string() });
export type LockOwner = z.infer<typeof LockOwner>;

export class LockBusy extends Error {
  constructor(
    readonly owner: LockOwner | null,
    message: string,
  ) {
    super(message);
  }
}

export interface LockOptions {
  /** what this process is doing, for the other side's message */
  command: string;
  /** how long to wait for a busy lock: 0 = do not wait (scheduled jobs skip instead) */
  waitMs: number;
  /** called once when the lock is busy and we start waiting */
  onWait?: (owner: LockOwner | null) => void;
  /** how often to look again while waiting */
  pollMs?: number;
}

export interface HeldLock {
  release(): Promise<void>;
}

const lockDir = (warehouseFile: string) => `${warehouseFile}.lock`;
const ownerFile = (warehouseFile: string) => `${warehouseFile}.lock.json`;

export function readOwner(warehouseFile: string): LockOwner | null {
  try {
    const parsed = LockOwner.safeParse(JSON.parse(readFileSync(ownerFile(warehouseFile), "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether the holder named in the owner file still runs: a pid on this host is checked; another host's is trusted. */
export function ownerAlive(owner: LockOwner): boolean {
  return owner.host !== hostname() || alive(owner.pid);
}

/** The owner file's holder when it is still running; null when there is none or it died without releasing (killed). */
export function liveOwner(warehouseFile: string): { owner: LockOwner | null; dead: LockOwner | null } {
  const owner = readOwner(warehouseFile);
  if (!owner) return { owner: null, dead: null };
  return ownerAlive(owner) ? { owner, dead: null } : { owner: null, dead: owner };
}

export function describeOwner(owner: LockOwner | null): string {
  return owner ? `'${owner.command}' (pid ${owner.pid} on ${owner.host}, since ${owner.since})` : "another process";
}

/** Take the lock, waiting up to `waitMs`; throws LockBusy when it stays busy. */
export async function acquireLock(warehouseFile: string, opts: LockOptions): Promise<HeldLock> {
  const deadline = Date.now() + opts.waitMs;
  let told = false;
  // the warehouse's folder may not exist before the first run
  mkdirSync(path.dirname(path.resolve(warehouseFile)), { recursive: true });
  for (;;) {
    try {
      const release = await lockfile.lock(warehouseFile, {
        lockfilePath: lockDir(warehouseFile),
        realpath: false,
        stale: 30_000,
        update: 5_000,
        retries: 0,
        onCompromised: (e) => {
          process.stderr.write(`warning: the run lock ${lockDir(warehouseFile)} was taken away (${e.message}); finishing this transaction\n`);
        },
      });
      const owner: LockOwner = { pid: process.pid, host: hostname(), command: opts.command, since: new Date().toISOString() };
      // written whole or not at all: a waiter never reads half a file
      const tmp = `${ownerFile(warehouseFile)}.${process.pid}`;
      writeFileSync(tmp, JSON.stringify(owner));
      renameSync(tmp, ownerFile(warehouseFile));
      return {
        release: async () => {
          rmSync(ownerFile(warehouseFile), { force: true });
          await release().catch(() => {});
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ELOCKED") throw e;
    }
    const owner = readOwner(warehouseFile);
    if (owner && owner.host === hostname() && owner.pid !== process.pid && !alive(owner.pid)) {
      // The holder died without releasing (killed); DuckDB rolled its open transaction back. Mark its lock as
      // stale, so that proper-lockfile's own stale-lock removal takes it over on the next try.
      try {
        utimesSync(lockDir(warehouseFile), 0, 0);
      } catch {
        // gone meanwhile
      }
      continue;
    }
    if (Date.now() >= deadline) {
      // a holder that has just taken the lock writes its name a moment later: wait for it, for a useful message
      let named = owner;
      for (let i = 0; i < 10 && !named; i++) {
        await new Promise((r) => setTimeout(r, 20));
        named = readOwner(warehouseFile);
      }
      throw new LockBusy(named, `the warehouse is busy: ${describeOwner(named)} is running`);
    }
    if (!told) {
      // a holder that has just taken the lock names itself a moment later: wait for it, to say what we wait for
      let named = owner;
      for (let i = 0; i < 25 && !named; i++) {
        await new Promise((r) => setTimeout(r, 20));
        named = readOwner(warehouseFile);
      }
      opts.onWait?.(named);
      told = true;
    }
    await new Promise((r) => setTimeout(r, Math.min(opts.pollMs ?? 500, Math.max(1, deadline - Date.now()))));
  }
}

/** Run `fn` holding the lock. */
export async function withLock<T>(warehouseFile: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  const held = await acquireLock(warehouseFile, opts);
  try {
    return await fn();
  } finally {
    await held.release();
  }
}
