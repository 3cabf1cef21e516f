/**
 * Running the real CLI in a child process (for tests that kill it, signal it or race it against another).
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

export const BIN = path.resolve(import.meta.dirname, "..", "..", "bin", "appraisal.mjs");

export interface Child {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function runCli(args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, CI: "true", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  proc.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on("close", (code, signal) => resolve({ code, signal })));
  return { proc, output: () => out, exited };
}

/** A seeded random stream (the demo generator's mulberry32), so a failing run can be repeated. */
export { prng as seeded } from "../../pipelines/demo/roster.ts";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
