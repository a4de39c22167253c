import * as tf from '@tensorflow/tfjs-core';
import { BijectiveError, OptionError } from '@bijective/core';
import { Worker } from 'node:worker_threads';
import { REPLICA_KIND, type ReplicaRun, type ReplicaStart } from './replica-layout.js';

/** Most threads {@link fitParallel} starts. */
export const MAX_THREADS = 64;

/** A replica thread's failure (its own error message) or silence, reported on the main thread. */
export class ReplicaError extends BijectiveError {
  /** Creates the error. */
  constructor(message: string) {
    super('numerics', message);
    this.name = 'ReplicaError';
  }
}

/** Options of {@link startReplicaThreads}. */
export interface ReplicaThreadsOptions {
  /** Threads of the run, the calling thread included (replica threads: threads − 1). */
  threads: number;
  /**
   * The module each replica thread runs (a file URL or path of JavaScript, usually the program's
   * own `import.meta.url`): it calls `await serveReplica()` first when `isReplicaThread()`.
   */
  worker: string | URL;
  /** Further modules (specifiers or URLs resolvable from `worker`) each replica imports before loading the flow. */
  imports?: readonly (string | URL)[];
}

/** A message of a replica thread, or its `error`/`exit` event as one. */
interface ReplicaMessage {
  type: string;
  message?: string;
  values?: Float32Array[];
  code?: number;
}

/** One replica thread and what it said last. */
interface Replica {
  worker: Worker;
  /** Where it is, in words. */
  where: string;
  /** Its failure or exit, once it happened (later waits fail with it at once). */
  ended: ReplicaMessage | null;
  /** The current wait's handler. */
  listener: ((message: ReplicaMessage) => void) | null;
}

/**
 * Replica threads of a data-parallel run, started before the run's flow and data exist: each
 * imports the worker module and the plugins and starts the calling thread's tfjs backend, then
 * waits for its run ({@link fitParallel}'s `replicas`), so that this start-up (~0.5 s per run on
 * the 16-D table, docs/benchmarks.md, "Two threads' warm-up") overlaps the program's data loading.
 * Used by one run; {@link ReplicaThreads.close} ends threads that no run took.
 */
export class ReplicaThreads {
  /** The calling thread's tfjs backend when the threads started (the run must train on it). */
  readonly backend: string;
  private readonly replicas: Replica[];
  /** Whether a run took the threads. */
  private taken = false;

  /** @internal */
  constructor(
    /** Threads of the run, the calling thread included. */
    readonly threads: number,
    worker: string | URL,
    imports: readonly (string | URL)[],
  ) {
    this.backend = tf.getBackend();
    // Node takes a file URL only as a URL object: accept `import.meta.url` as it is.
    const target = typeof worker === 'string' && worker.startsWith('file:') ? new URL(worker) : worker;
    this.replicas = Array.from({ length: threads - 1 }, (_, i) => {
      const start: ReplicaStart = {
        kind: REPLICA_KIND,
        index: i + 1,
        backend: this.backend,
        imports: imports.map(String),
      };
      const replica: Replica = {
        worker: new Worker(target, { workerData: start }),
        where: `replica thread ${i + 1} (worker module ${String(worker)})`,
        ended: null,
        listener: null,
      };
      const hear = (message: ReplicaMessage): void => {
        if (message.type === 'error' || message.type === 'exit') replica.ended ??= message;
        replica.listener?.(message);
      };
      replica.worker.on('message', hear);
      replica.worker.once('error', (e) => hear({ type: 'error', message: `failed: ${e.message}` }));
      replica.worker.once('exit', (code) => hear({ type: 'exit', code }));
      // Waiting for a run must not keep the program alive: a run holds the program through its own waits.
      replica.worker.unref();
      return replica;
    });
  }

  /** Hands every replica thread its run (`run(index)`), resolving once each has loaded the flow. @internal */
  async begin(run: (index: number) => ReplicaRun, timeoutMs: number): Promise<void> {
    if (this.taken) throw new OptionError('these replica threads already served a run: start new ones');
    this.taken = true;
    if (tf.getBackend() !== this.backend)
      throw new OptionError(
        `the replica threads were started on backend '${this.backend}', the run trains on '${tf.getBackend()}'`,
      );
    await Promise.all(
      this.replicas.map((replica, i) => {
        const ready = this.expect(
          replica,
          'ready',
          timeoutMs,
          () =>
            new ReplicaError(
              `${replica.where} did not start within ${timeoutMs / 1000} s: does the module call serveReplica() when isReplicaThread()?`,
            ),
        );
        if (!replica.ended) replica.worker.postMessage({ type: 'run', run: run(i + 1) });
        return ready;
      }),
    );
  }

  /**
   * Resolves with the replica's next message of `type`, or rejects with its
   * failure; `late` makes the error after `timeoutMs`.
   */
  private expect(
    replica: Replica,
    type: string,
    timeoutMs: number,
    late: () => Error,
  ): Promise<ReplicaMessage> {
    return new Promise((resolve, reject) => {
      const fail = (message: ReplicaMessage): Error =>
        new ReplicaError(
          message.type === 'exit'
            ? `${replica.where} exited (code ${message.code}) before it was ready: does the module call serveReplica() when isReplicaThread()?`
            : `${replica.where}: ${message.message}`,
        );
      if (replica.ended) return reject(fail(replica.ended));
      const timer = setTimeout(() => {
        replica.listener = null;
        reject(late());
      }, timeoutMs);
      replica.listener = (message) => {
        if (message.type !== type && message.type !== 'error' && message.type !== 'exit') return;
        clearTimeout(timer);
        replica.listener = null;
        if (message.type === type) resolve(message);
        else reject(fail(message));
      };
    });
  }

  /**
   * Each replica thread's next `weights` message (its trainable weights once stopped), null for a
   * thread that ended or did not answer within `timeoutMs`. @internal
   */
  finalWeights(timeoutMs: number): Promise<(Float32Array[] | null)[]> {
    return Promise.all(
      this.replicas.map((replica) =>
        this.expect(replica, 'weights', timeoutMs, () => new Error('silent')).then(
          (message) => message.values ?? null,
          () => null,
        ),
      ),
    );
  }

  /** Ends the replica threads (those waiting for a run, and those of a run that has stopped them). */
  async close(): Promise<void> {
    this.taken = true;
    await Promise.all(this.replicas.map((r) => r.worker.terminate()));
  }
}

/**
 * Starts the replica threads of a data-parallel run ahead of it (see {@link ReplicaThreads}); pass
 * them to {@link fitParallel} as `replicas`, or {@link ReplicaThreads.close} them when no run takes them.
 * The calling thread's tfjs backend must be the run's.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { Flow, StandardNormal, create, useBackend } from '@bijective/core';
 * import { fitParallel, isReplicaThread, serveReplica, startReplicaThreads } from '@bijective/train/node';
 * import '@bijective/coupling';
 * import '@bijective/backend-cpu';
 *
 * if (isReplicaThread()) {
 *   await serveReplica(); // this same file runs in each worker thread
 * } else {
 *   await useBackend('cpu'); // first: the threads start on the calling thread's backend
 *   const replicas = startReplicaThreads({ threads: 2, worker: import.meta.url });
 *   // the replica thread starts while this thread prepares the data and the flow
 *   const data = tf.mul(tf.randomNormal([1000, 2], 0, 1, 'float32', 1), [1, 3]); // N(0, diag(1, 9))
 *   const flow = new Flow(new StandardNormal({ eventShape: [2] }), create('bijector', 'realnvp', { eventShape: [2], layers: 2, seed: 1 }));
 *   const result = await fitParallel(flow, data, { threads: 2, replicas, steps: 30, learningRate: 1e-2 });
 *   console.log(result.stopReason, result.bestValidationNll); // the run ended the threads it took
 * }
 * ```
 */
export function startReplicaThreads({
  threads,
  worker,
  imports = [],
}: ReplicaThreadsOptions): ReplicaThreads {
  if (!Number.isInteger(threads) || threads < 2 || threads > MAX_THREADS)
    throw new OptionError(
      `startReplicaThreads: threads must be an integer from 2 to ${MAX_THREADS}, got ${String(threads)}`,
    );
  return new ReplicaThreads(threads, worker, imports);
}
