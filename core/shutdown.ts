/**
 * SIGTERM (and Ctrl-C) without half-written work: the first signal asks the current job to stop at the next
 * safe point (after the transaction in flight commits: between API pages, between files, after a run); the work
 * in flight finishes, and the process then exits. A second signal exits at once (DuckDB rolls back whatever
 * transaction was open, so even then nothing is half-written).
 */
export interface StopSignal {
  readonly requested: boolean;
  readonly reason: string | null;
}

let requested: string | null = null;
const listeners = new Set<() => void>();
let installed = false;

export const stopSignal: StopSignal = {
  get requested() {
    return requested !== null;
  },
  get reason() {
    return requested;
  },
};

/** Ask the current work to stop at its next safe point (used by the signal handlers and by tests). */
export function requestStop(reason: string): void {
  if (requested !== null) return;
  requested = reason;
  for (const l of listeners) l();
}

/** Called once when a stop is requested. Returns a function that removes the listener. */
export function onStop(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** For tests: forget an earlier stop request. */
export function resetStop(): void {
  requested = null;
}

/** Install the SIGTERM/SIGINT handlers once per process. */
export function installSignalHandlers(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): void {
  if (installed) return;
  installed = true;
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    process.on(sig, () => {
      if (requested !== null) {
        log(`${sig} again: exiting now; DuckDB rolls back the transaction in flight`);
        process.exit(130);
      }
      log(`${sig}: finishing the transaction in flight, then exiting (send it again to exit at once)`);
      requestStop(sig);
    });
  }
}

/** Thrown at a safe point when a stop was requested. */
export class Stopped extends Error {
  constructor() {
    super(`stopped by ${requested ?? "request"} after the last committed transaction; the next run resumes from there`);
  }
}

export function throwIfStopped(): void {
  if (requested !== null) throw new Stopped();
}
