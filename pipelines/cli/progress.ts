/**
 * Progress on the terminal: a bar on a TTY, plain lines otherwise (logs, CI, the scheduler).
 */
import cliProgress from "cli-progress";
import { msg } from "../../core/messages.ts";
import type { IngestReporter } from "../../data-loaders/ingest/ingest.ts";
import type { BatchSummary } from "../../data-loaders/ingest/load-file.ts";
import type { RunReporter } from "../run.ts";

const tty = () => Boolean(process.stderr.isTTY) && !process.env.CI;

function bar(): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    { format: " {bar} {value}/{total} {label}", stream: process.stderr, hideCursor: true, clearOnComplete: true, barsize: 24 },
    cliProgress.Presets.shades_classic,
  );
}

export function summaryLine(s: BatchSummary): string {
  return msg.batchLine(s);
}

/** What a roster load's re-check of the quarantine did. */
export function recheckLine(r: NonNullable<BatchSummary["rechecked"]>): string {
  return `the roster changed: ${r.checked} row(s) quarantined for their agent checked again, ${r.resolved} agent reference(s) now found, ${r.fixed} row(s) no longer quarantined`;
}

export function ingestReporter(): IngestReporter {
  const multi = tty()
    ? new cliProgress.MultiBar(
        { format: " {bar} {value}/{total} {label}", stream: process.stderr, hideCursor: true, clearOnComplete: true, barsize: 24 },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let files: cliProgress.SingleBar | null = null;
  let n = 0;
  let stopped = false;
  const say = (line: string) => (multi && !stopped ? multi.log(`${line}\n`) : process.stderr.write(`${line}\n`));
  return {
    start(total) {
      files = multi?.create(total, 0, { label: "" }) ?? null;
    },
    file(name, phase, percent) {
      files?.update(n, { label: `${name}: ${phase}${percent !== undefined ? ` ${percent.toFixed(0)}%` : ""}` });
    },
    done(s) {
      n++;
      files?.update(n, { label: "" });
      if (s.status !== "skipped") {
        say(summaryLine(s));
        for (const p of s.problems) say(`    ${p}`);
        if (s.quarantined > s.problems.length) say("    ... 'appraisal status' lists the quarantine by reason");
        if (s.rechecked?.checked) say(`    ${recheckLine(s.rechecked)}`);
      }
      if (files && n >= files.getTotal() && !stopped) {
        multi?.stop();
        stopped = true;
      }
    },
    log(line) {
      say(line);
    },
  };
}

export function runReporter(): RunReporter {
  const b = tty() ? bar() : null;
  let n = 0;
  return {
    start(total) {
      b?.start(total, 0, { label: "" });
    },
    step(name) {
      n++;
      if (b) b.update(n, { label: name });
      else if (process.env.APPRAISAL_VERBOSE) process.stderr.write(`  ${name}\n`);
    },
    done() {
      b?.stop();
    },
  };
}

export function demoStep(step: string, i: number, total: number): void {
  process.stderr.write(`  demo ${i}/${total}: ${step}\n`);
}
