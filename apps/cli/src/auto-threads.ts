import { availableParallelism, loadavg } from 'node:os';

/**
 * Multiply-adds of one step's shard below which a second thread does not pay (minibatch rows per
 * thread × trainable weights): each thread pays the step's fixed cost (kernel dispatch, the tape,
 * the update) in full, and only the arithmetic divides (docs/benchmarks.md, "The CLI's training
 * loop against zuko, and `train --threads`").
 */
export const AUTO_THREADS_MIN_WORK = 4_000_000;

/**
 * Steps below which a second thread's warm-up is not paid back (runs with a step count only;
 * a `--max-seconds` run without one is not held back): on the 16-D table at batch 512 (RealNVP
 * and MAF, 5 layers of 64,64, idle cores) a two-thread run's whole wall time was 0.96–1.12× one
 * thread's at 1000 steps, 0.98–1.21× at 2000, 0.94–1.18× at 3000 and 0.83–1.07× at 5000
 * (docs/benchmarks.md, "Two threads' warm-up"): two threads run at ~180–340 steps/s until step
 * ~600 and ~450 after, while V8 compiles the step's code in both threads' isolates on the two busy cores.
 */
export const AUTO_THREADS_MIN_STEPS = 3000;

/** What `--threads auto` sees of the machine and the run. */
export interface AutoThreadsInput {
  /** Cores the process may use (`os.availableParallelism()`). */
  cores: number;
  /** The 1-minute load average (`os.loadavg()[0]`). */
  load: number;
  /** Minibatch rows. */
  batch: number;
  /** Trainable weights of the flow. */
  weights: number;
  /** The run's steps, or null when it has no step count (a time budget). */
  steps: number | null;
}

/**
 * `--threads auto`'s choice: the most threads t (up to the cores and the rows) such that the
 * t − 1 added threads find idle cores (cores − load ≥ t − 1, with the 1-minute load average taken
 * before training, this process's own thread counted in it) and each shard's arithmetic
 * (batch / t rows × weights) stays at or above {@link AUTO_THREADS_MIN_WORK}; 1 otherwise, and 1
 * for a run of fewer than {@link AUTO_THREADS_MIN_STEPS} steps. Returns the count and the reason in words.
 */
export function autoThreads({ cores, load, batch, weights, steps }: AutoThreadsInput): {
  threads: number;
  reason: string;
} {
  const free = cores - load;
  const short = steps !== null && steps < AUTO_THREADS_MIN_STEPS;
  let threads = 1;
  for (let t = 2; t <= Math.min(cores, batch) && !short; t++) {
    if (free < t - 1 || (batch / t) * weights < AUTO_THREADS_MIN_WORK) break;
    threads = t;
  }
  const work = `${batch} rows × ${weights} weights`;
  const reason =
    threads > 1
      ? `${threads} threads: ${cores} cores at load ${load.toFixed(1)}, ${work} per step`
      : cores < 2
        ? '1 thread: one core'
        : free < 1
          ? `1 thread: ${cores} cores at load ${load.toFixed(1)} leave no core free`
          : short
            ? `1 thread: ${steps} steps are too few to pay back a second thread's warm-up (${AUTO_THREADS_MIN_STEPS} or more)`
            : `1 thread: ${work} per step is too little to share out`;
  return { threads, reason };
}

/** {@link autoThreads} on this machine now. */
export function autoThreadsHere(
  batch: number,
  weights: number,
  steps: number | null,
): { threads: number; reason: string } {
  return autoThreads({ cores: availableParallelism(), load: loadavg()[0] ?? 0, batch, weights, steps });
}
