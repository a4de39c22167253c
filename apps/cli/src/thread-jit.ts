import { setFlagsFromString } from 'node:v8';

/**
 * Bytecode V8's optimising compiler may inline into one function in a multi-threaded training run
 * (V8's default: 920). tfjs runs every kernel through one closure (the engine's `kernelFunc`),
 * which TurboFan compiles with the kernels it has seen inlined: 40–120 ms of a platform thread's
 * CPU per attempt, redone as new kernels deoptimise it. At two threads on two cores that compiling
 * (twice: one isolate per thread) takes a core from a computing thread, and every step waits
 * for the slower one (docs/benchmarks.md, "Two threads: the JIT's share of a step, and what is
 * left").
 */
export const THREADED_INLINING_BUDGET = 200;

/**
 * Caps V8's cumulative inlining budget at {@link THREADED_INLINING_BUDGET} for the rest of this
 * process (its replica threads' isolates included), before `train --threads N` (N > 1) starts them.
 * @internal
 */
export function settleJitForThreads(): void {
  setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${THREADED_INLINING_BUDGET}`);
}
