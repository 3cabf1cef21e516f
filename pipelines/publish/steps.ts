/**
 * Where a publish's time goes: a stopwatch for its steps (each table's COPY, the frozen overlay, each shard query, the
 * file writes), and the slowest of them with their share (`appraisal snapshot --profile`).
 */

export interface PublishStep {
  step: string;
  seconds: number;
}

/** A stopwatch for the steps of a publish: `timed("copy rankings", () => ...)` runs the step and records its time. */
export type Timed = <T>(step: string, fn: () => Promise<T> | T) => Promise<T>;

export function stepTimer(): { timed: Timed; steps: PublishStep[] } {
  const steps: PublishStep[] = [];
  const timed: Timed = async (step, fn) => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      steps.push({ step, seconds: (performance.now() - t0) / 1000 });
    }
  };
  return { timed, steps };
}

/** The slowest steps of a publish with their share of its time, slowest first (`appraisal snapshot --profile`). */
export function formatSteps(steps: PublishStep[], total: number, files?: { written: number; linked: number }, top = 15): string {
  const sorted = [...steps].sort((a, b) => b.seconds - a.seconds);
  const reuse = files ? ` (shard files: ${files.written} written, ${files.linked} unchanged and hard-linked from the previous snapshot)` : "";
  const lines = [`publish ${total.toFixed(2)} s${reuse}; the slowest of ${steps.length} steps:`];
  for (const s of sorted.slice(0, top)) lines.push(`${s.seconds.toFixed(3).padStart(8)} s ${((100 * s.seconds) / Math.max(total, 1e-9)).toFixed(1).padStart(5)}%  ${s.step}`);
  return lines.join("\n");
}
