/** Thrown by a check with a description of what it found wrong; the runner adds the counterexample. */
export class CheckFailure extends Error {
  /** Creates a failure whose message says what was wrong. */
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailure';
  }
}

/** One failed check of one bijector or flow, with everything needed to reproduce it. */
export interface ConformanceFailure {
  /** What was checked, e.g. `bijector 'affine'`. */
  subject: string;
  /** The check's name, e.g. `log-det-numerical`. */
  check: string;
  /** What the check asserts, in words. */
  claim: string;
  /** The tfjs backend it ran on. */
  backend: string;
  /** The (shrunk) failing case: event size, batch, input seed and input values. */
  counterexample: string;
  /** What went wrong on that case. */
  problem: string;
  /** fast-check's seed and path: pass them as `{ seed, path }` to replay exactly this case. */
  replay: { seed: number; path: string };
  /** Runs before the failure and shrink steps taken to reach the counterexample. */
  runs: number;
}

/** Formats one failure as the multi-line message a test report shows. */
export function formatFailure(f: ConformanceFailure): string {
  return [
    `${f.subject} failed check '${f.check}' on backend '${f.backend}': ${f.claim}`,
    `  problem: ${f.problem}`,
    `  counterexample: ${f.counterexample.replace(/\n/g, '\n  ')}`,
    `  replay: fastCheck { seed: ${f.replay.seed}, path: '${f.replay.path}' } (failed after ${f.runs} runs and shrinks)`,
  ].join('\n');
}

/** Thrown by the kit's runners when checks fail; `failures` lists every one. */
export class ConformanceError extends Error {
  /** Creates the error; its message is every failure formatted by {@link formatFailure}. */
  constructor(readonly failures: readonly ConformanceFailure[]) {
    super(failures.map(formatFailure).join('\n\n'));
    this.name = 'ConformanceError';
  }
}
