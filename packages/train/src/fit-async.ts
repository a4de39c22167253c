import type * as tf from '@tensorflow/tfjs-core';
import type { Flow } from '@bijective/core';
import { fitSteps, type FitOptions, type FitResult } from './fit.js';
import { checkNumberOption } from './options.js';

/** Options of {@link fitAsync}: those of `fit`, plus cancellation and how often to yield. */
export interface FitAsyncOptions extends FitOptions {
  /** Aborting it stops training after the current step; the promise then rejects with `signal.reason`. */
  signal?: AbortSignal;
  /**
   * Milliseconds of training between turns handed to the event loop (default 15, about a frame at
   * 60 Hz; 0 yields after every step). Smaller keeps a page or worker more responsive, larger wastes less time.
   */
  yieldEveryMs?: number;
}

/**
 * Hands the event loop one turn: `setImmediate` where it exists (Node), else a `MessageChannel`
 * message (browsers and workers, which unlike `setTimeout(0)` is not clamped to 4 ms), else `setTimeout`.
 * @internal
 */
export function nextTurn(): Promise<void> {
  const g = globalThis as { setImmediate?: (callback: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return new Promise((resolve) => setImmediate(resolve));
  }
  if (typeof MessageChannel === 'function') {
    const { port1, port2 } = new MessageChannel();
    return new Promise((resolve) => {
      port1.onmessage = () => {
        port1.close();
        resolve();
      };
      port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Fits a flow by maximum likelihood exactly as `fit` does (same steps, same minibatches, same
 * result for the same seed: -mean log p(x) minimised with Adam, Kingma & Ba 2015), but returns a
 * promise and hands the event loop a turn every `yieldEveryMs` of training, so that a page stays
 * responsive, a worker receives messages, and `signal` can stop the run. `onProgress` reports each
 * step as in `fit`. An aborted run rejects with `signal.reason`, leaves the flow at the weights of
 * its last completed step and frees every tensor the run made.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, create, useBackend } from '@bijective/core';
 * import { fitAsync } from '@bijective/train';
 * import '@bijective/coupling';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const data = tf.mul(tf.randomNormal([500, 2], 0, 1, 'float32', 1), [1, 3]); // N(0, diag(1, 9))
 * const flow = new Flow(new StandardNormal({ eventShape: [2] }), create('bijector', 'realnvp', { eventShape: [2], layers: 2 }));
 * const ticker = setInterval(() => console.log('the event loop still runs'), 5);
 * const controller = new AbortController(); // controller.abort() would stop the run
 * const result = await fitAsync(flow, data, {
 *   steps: 30,
 *   learningRate: 1e-2,
 *   signal: controller.signal,
 *   onProgress: ({ step, loss }) => step % 10 === 0 && console.log(step, loss.toFixed(3)),
 * });
 * clearInterval(ticker);
 * console.log(result.stopReason, result.bestValidationNll);
 * ```
 */
export async function fitAsync(
  flow: Flow,
  data: tf.Tensor,
  options: FitAsyncOptions = {},
): Promise<FitResult> {
  return runSteps(fitSteps(flow, data, options), options);
}

/**
 * Runs a training generator to its end, handing the event loop a turn every `yieldEveryMs` and
 * stopping at `signal`'s abort; returns the generator's result and disposes it on any exit.
 * @internal
 */
export async function runSteps<R>(
  run: Generator<number, R>,
  options: Pick<FitAsyncOptions, 'signal' | 'yieldEveryMs'>,
): Promise<R> {
  const { signal } = options;
  try {
    const yieldEveryMs = checkNumberOption(options.yieldEveryMs ?? 15, 'yieldEveryMs', { min: 0 });
    signal?.throwIfAborted();
    let since = performance.now();
    for (;;) {
      const next = run.next();
      if (next.done) return next.value;
      if (performance.now() - since >= yieldEveryMs) {
        await nextTurn();
        since = performance.now();
      }
      signal?.throwIfAborted();
    }
  } finally {
    run.return(undefined as never);
  }
}
