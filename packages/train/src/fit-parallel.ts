import * as tf from '@tensorflow/tfjs-core';
import { OptionError, saveFlow, type Flow } from '@bijective/core';
import { availableParallelism } from 'node:os';
import { fitSteps, type FitResult } from './fit.js';
import { runSteps, type FitAsyncOptions } from './fit-async.js';
import { checkNumberOption } from './options.js';
import { ReplicaPool } from './replica-pool.js';
import { MAX_THREADS, ReplicaError, type ReplicaThreads } from './replica-threads.js';
import { isReplicaThread } from './replica-thread.js';

/** Options of {@link fitParallel}: those of `fitAsync`, plus the threads and the module they run. */
export interface FitParallelOptions extends FitAsyncOptions {
  /**
   * Threads computing each step's gradient, the calling thread included (default: the machine's
   * available parallelism; 1 trains on the calling thread alone, as `fitAsync`). Each thread gets an
   * equal share of every minibatch; more threads than minibatch rows are refused.
   */
  threads?: number;
  /**
   * The module each replica thread runs (a file URL or path of JavaScript, usually the program's
   * own `import.meta.url`): it must register the flow's bijectors and backend as the program does,
   * and call `await serveReplica()` first when `isReplicaThread()`.
   */
  worker?: string | URL;
  /** Further modules (specifiers or URLs resolvable from `worker`) each replica imports before loading the flow. */
  imports?: readonly (string | URL)[];
  /**
   * Replica threads started ahead of the run (`startReplicaThreads`, for `threads` threads,
   * with their own `worker` and `imports`), so that their start-up overlaps the caller's work
   * before the run; the run ends them. Absent: the run starts its own.
   */
  replicas?: ReplicaThreads;
}

/** The flow's model file in memory (core io), for the replicas to load. */
async function modelBytes(flow: Flow): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  try {
    await saveFlow(
      flow,
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }),
    );
  } catch (e) {
    throw new OptionError(
      `fitParallel: the flow must be saveable (registered bijectors) to start its replicas: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return saved as tf.io.ModelArtifacts;
}

/** Checks `threads` against the limits and the minibatch; returns it. @internal */
export function checkThreads(threads: unknown, batchRows: number, what = 'threads'): number {
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS)
    throw new OptionError(`${what} must be an integer from 1 to ${MAX_THREADS}, got ${String(threads)}`);
  if (threads > batchRows)
    throw new OptionError(
      `${what} (${threads}) must not exceed the minibatch's ${batchRows} rows: each thread needs rows of its own`,
    );
  return threads;
}

/**
 * Fits a flow by maximum likelihood as `fit` does, with each minibatch's gradient computed by
 * `threads` threads in parallel (data parallelism, as in PyTorch's DistributedDataParallel): the
 * calling thread and threads − 1 worker threads, each holding a replica of the flow loaded from its
 * model bytes, take equal shards of the minibatch; their losses and gradients are averaged weighted
 * by shard rows (the full minibatch's gradient, up to float rounding) through shared memory with
 * Atomics, each thread reducing them in the same order and applying the same Adam update to its
 * own weights, so every replica computes on the calling thread's weights bit for bit (checked at
 * the end) with no weights sent between threads. Validation passes by the mean NLL are shared out
 * the same way (each thread scores a share of the rows); best weights, early stopping, checkpoints
 * and `onProgress` run on the calling thread exactly as in `fit`. Node only.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, create, useBackend } from '@bijective/core';
 * import { fitParallel, isReplicaThread, serveReplica } from '@bijective/train/node';
 * import '@bijective/coupling';
 * import '@bijective/backend-cpu';
 *
 * if (isReplicaThread()) {
 *   await serveReplica(); // this same file runs in each worker thread
 * } else {
 *   await useBackend('cpu');
 *   const data = tf.mul(tf.randomNormal([1000, 2], 0, 1, 'float32', 1), [1, 3]); // N(0, diag(1, 9))
 *   const flow = new Flow(new StandardNormal({ eventShape: [2] }), create('bijector', 'realnvp', { eventShape: [2], layers: 2, seed: 1 }));
 *   const result = await fitParallel(flow, data, { threads: 2, worker: import.meta.url, steps: 30, learningRate: 1e-2 });
 *   console.log(result.stopReason, result.bestValidationNll); // towards 3.94 nats
 * }
 * ```
 */
export async function fitParallel(
  flow: Flow,
  data: tf.Tensor,
  options: FitParallelOptions = {},
): Promise<FitResult> {
  if (isReplicaThread())
    throw new OptionError(
      'fitParallel was called in a replica thread: the worker module must call serveReplica() when isReplicaThread()',
    );
  const batchSize = checkNumberOption(options.batchSize ?? 256, 'batchSize', { min: 1, integer: true });
  const threads = checkThreads(
    options.threads ?? options.replicas?.threads ?? availableParallelism(),
    batchSize,
  );
  if (threads === 1) {
    await options.replicas?.close();
    return runSteps(fitSteps(flow, data, options), options);
  }
  if (options.worker === undefined && options.replicas === undefined)
    throw new OptionError(
      'fitParallel: threads > 1 needs `worker`, the module each replica thread runs (e.g. import.meta.url)',
    );
  const contextShape = options.context ? options.context.shape.slice(1) : null;
  const pool = await ReplicaPool.start(flow, {
    threads,
    worker: options.worker ?? '',
    imports: (options.imports ?? []).map(String),
    replicas: options.replicas,
    artifacts: await modelBytes(flow),
    batchRows: batchSize,
    rowShape: data.shape.slice(1),
    contextShape: contextShape as number[] | null,
    optimiser: {
      beta1: options.beta1,
      beta2: options.beta2,
      epsilon: options.epsilon,
      weightDecay: options.weightDecay,
      clipNorm: options.clipNorm,
    },
    adamState: options.resume?.optimiser ?? null,
    // Validation passes scored by the mean NLL are shared out too (a custom score stays on this thread).
    validationRows:
      options.validationScore !== undefined
        ? 0
        : (options.validationData?.shape[0] ??
          Math.floor((data.shape[0] as number) * (options.validationFraction ?? 0.1))),
    // The training rows are shared once (each thread gathers its own shard of every minibatch),
    // unless dequantisation noise is drawn over whole minibatches on this thread.
    tableRows: options.dequantisationWidths ? 0 : (data.shape[0] as number),
  });
  let result: FitResult;
  try {
    result = await runSteps(fitSteps(flow, data, options, pool), options);
  } catch (e) {
    await pool.close();
    throw e;
  }
  // Every replica made the main thread's updates: check they hold its last weights exactly.
  const last = pool.finalWeights();
  const replicas = await pool.close();
  replicas.forEach((weights, k) => {
    const same = weights?.every((w, i) => {
      const b = last?.[i];
      return b !== undefined && w.length === b.length && w.every((value, j) => Object.is(value, b[j]));
    });
    if (!same) throw new ReplicaError(`replica thread ${k + 1} does not hold the main thread's weights`);
  });
  return result;
}
