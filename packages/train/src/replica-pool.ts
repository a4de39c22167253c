import * as tf from '@tensorflow/tfjs-core';
import { BijectiveError, type CallRecord, type Flow } from '@bijective/core';
import { Worker } from 'node:worker_threads';
import type { ShardedGradients } from './fit.js';
import {
  COMMAND,
  CONTROL,
  ERROR_CAPACITY,
  REPLICA_KIND,
  failureText,
  shardBounds,
  sizeOf,
  type ReplicaBuffers,
  type ReplicaInit,
} from './replica-layout.js';

/** What a replica pool is started with. @internal */
export interface ReplicaPoolOptions {
  /** Threads in all, the main thread included (replica threads: threads - 1). */
  threads: number;
  /** Module each replica thread runs; it calls `serveReplica()` when `isReplicaThread()`. */
  worker: string | URL;
  /** Modules each replica imports before loading the flow. */
  imports: string[];
  /** The flow's model file in memory. */
  artifacts: tf.io.ModelArtifacts;
  /** The largest minibatch (rows). */
  batchRows: number;
  /** Shape of one data row and of one context row (null without context). */
  rowShape: number[];
  contextShape: number[] | null;
  /** Seconds to wait for a replica's answer before giving up (default 600). */
  timeoutSeconds?: number;
}

/** A replica thread's failure (its own error message) or silence, reported on the main thread. */
export class ReplicaError extends BijectiveError {
  /** Creates the error. */
  constructor(message: string) {
    super('numerics', message);
    this.name = 'ReplicaError';
  }
}

/** Seed of shard k's draws in the objective (shard 0, the main thread, keeps the step's seed). */
function shardSeed(seed: number, k: number): number {
  return k === 0 ? seed : (seed + Math.imul(k, 0x9e3779b1)) >>> 0;
}

/**
 * The main thread's side of a data-parallel run: `threads - 1` replica threads, each holding a
 * copy of the flow, and the gradient all-reduce of each step through shared memory. Per step the
 * main thread writes the current weights and each replica's shard of the minibatch, wakes the
 * replicas (Atomics), computes shard 0 itself, waits for the others and averages loss and
 * gradients weighted by shard rows (in shard order, so the sum is deterministic); the optimiser
 * update then runs once, on the main thread, and reaches the replicas as the next step's weights,
 * so every replica computes on the main thread's exact weights.
 * @internal
 */
export class ReplicaPool implements ShardedGradients {
  private readonly control: Int32Array;
  private readonly weights: Float32Array;
  private readonly inputs: Float32Array[];
  private readonly outputs: Float32Array[];
  private readonly workers: Worker[] = [];
  private readonly exited = new Set<Worker>();
  private readonly buffers: ReplicaBuffers;
  private readonly timeoutMs: number;
  private readonly messages: Map<Worker, (message: { type: string; values?: Float32Array[] }) => void> =
    new Map();

  private constructor(
    private readonly flow: Flow,
    private readonly options: ReplicaPoolOptions,
  ) {
    const replicas = options.threads - 1;
    const shardRows = Math.ceil(options.batchRows / options.threads);
    const rowFloats = sizeOf(options.rowShape) + (options.contextShape ? sizeOf(options.contextShape) : 0);
    const gradients = flow.trainableVariables.reduce((sum, v) => sum + v.size, 0);
    const weights = flow.variables.reduce((sum, v) => sum + v.size, 0);
    this.buffers = {
      control: new SharedArrayBuffer(4 * (CONTROL.ROWS + 2 * options.threads)),
      weights: new SharedArrayBuffer(4 * weights),
      error: new SharedArrayBuffer(ERROR_CAPACITY),
      inputs: Array.from({ length: replicas }, () => new SharedArrayBuffer(4 * shardRows * rowFloats)),
      outputs: Array.from({ length: replicas }, () => new SharedArrayBuffer(4 * (1 + gradients))),
    };
    this.control = new Int32Array(this.buffers.control);
    this.weights = new Float32Array(this.buffers.weights);
    this.inputs = this.buffers.inputs.map((b) => new Float32Array(b));
    this.outputs = this.buffers.outputs.map((b) => new Float32Array(b));
    this.timeoutMs = (options.timeoutSeconds ?? 600) * 1000;
  }

  /** Starts the replica threads and resolves once each has loaded the flow (rejects with the first failure). */
  static async start(flow: Flow, options: ReplicaPoolOptions): Promise<ReplicaPool> {
    const pool = new ReplicaPool(flow, options);
    try {
      await Promise.all(Array.from({ length: options.threads - 1 }, (_, i) => pool.spawn(i + 1)));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  private spawn(index: number): Promise<void> {
    const init: ReplicaInit = {
      kind: REPLICA_KIND,
      index,
      backend: tf.getBackend(),
      imports: this.options.imports,
      artifacts: this.options.artifacts,
      rowShape: this.options.rowShape,
      contextShape: this.options.contextShape,
      buffers: this.buffers,
    };
    const module = this.options.worker;
    // Node takes a file URL only as a URL object: accept `import.meta.url` as it is.
    const target = typeof module === 'string' && module.startsWith('file:') ? new URL(module) : module;
    const worker = new Worker(target, { workerData: init });
    this.workers.push(worker);
    const where = `replica thread ${index} (worker module ${String(this.options.worker)})`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new ReplicaError(
              `${where} did not start within ${this.timeoutMs / 1000} s: does the module call serveReplica() when isReplicaThread()?`,
            ),
          ),
        this.timeoutMs,
      );
      const settle = (error?: Error): void => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      worker.on('message', (message: { type: string; message?: string; values?: Float32Array[] }) => {
        if (message.type === 'ready') settle();
        else if (message.type === 'error') settle(new ReplicaError(`${where}: ${message.message}`));
        else this.messages.get(worker)?.(message);
      });
      worker.once('error', (e) => settle(new ReplicaError(`${where} failed: ${e.message}`)));
      worker.once('exit', (code) => {
        this.exited.add(worker);
        this.messages.get(worker)?.({ type: 'exit' });
        settle(
          new ReplicaError(
            `${where} exited (code ${code}) before it was ready: does the module call serveReplica() when isReplicaThread()?`,
          ),
        );
      });
    });
  }

  /** Writes the flow's current weights into shared memory. */
  private broadcast(): void {
    let offset = 0;
    for (const v of this.flow.variables) {
      this.weights.set(v.dataSync() as Float32Array, offset);
      offset += v.size;
    }
  }

  /** The minibatch's loss and gradients, averaged over the threads' shards (see the class). */
  gradients(
    x: tf.Tensor,
    context: tf.Tensor | undefined,
    seed: number,
    record: CallRecord,
  ): { value: tf.Scalar; grads: tf.NamedTensorMap } {
    const { threads } = this.options;
    const rows = x.shape[0] as number;
    const rowSize = sizeOf(this.options.rowShape);
    const contextSize = this.options.contextShape ? sizeOf(this.options.contextShape) : 0;
    this.broadcast();
    const xs = x.dataSync() as Float32Array;
    const cs = context?.dataSync() as Float32Array | undefined;
    for (let k = 1; k < threads; k++) {
      const [start, end] = shardBounds(rows, threads, k);
      const input = this.inputs[k - 1] as Float32Array;
      input.set(xs.subarray(start * rowSize, end * rowSize));
      if (cs) input.set(cs.subarray(start * contextSize, end * contextSize), (end - start) * rowSize);
      Atomics.store(this.control, CONTROL.ROWS + 2 * k, end - start);
      Atomics.store(this.control, CONTROL.ROWS + 2 * k + 1, shardSeed(seed, k) | 0);
    }
    Atomics.store(this.control, CONTROL.DONE, 0);
    Atomics.store(this.control, CONTROL.COMMAND, COMMAND.STEP);
    Atomics.add(this.control, CONTROL.SEQUENCE, 1);
    Atomics.notify(this.control, CONTROL.SEQUENCE);
    const trainable = this.flow.trainableVariables as tf.Variable[];
    const [, own] = shardBounds(rows, threads, 0);
    const ownPart =
      own > 0
        ? tf.variableGrads(() => {
            const x0 = tf.slice(x, 0, own);
            const c0 = context ? tf.slice(context, 0, own) : undefined;
            return record.penalise(this.flow.trainingLoss(x0, { context: c0, record, seed }));
          }, trainable)
        : null;
    this.waitForReplicas();
    // All-reduce: Σ_k (rows_k / rows) · (loss_k, gradient_k), in shard order.
    const weight0 = own / rows;
    let loss = ownPart ? (ownPart.value.dataSync()[0] as number) * weight0 : 0;
    const sums = trainable.map((v) => {
      const g = ownPart?.grads[v.name];
      const sum = new Float32Array(v.size);
      if (g) {
        const values = g.dataSync();
        for (let i = 0; i < sum.length; i++) sum[i] = (values[i] as number) * weight0;
      }
      return sum;
    });
    for (let k = 1; k < threads; k++) {
      const [start, end] = shardBounds(rows, threads, k);
      const weight = (end - start) / rows;
      if (weight === 0) continue;
      const output = this.outputs[k - 1] as Float32Array;
      loss += (output[0] as number) * weight;
      let offset = 1;
      for (const sum of sums) {
        for (let i = 0; i < sum.length; i++)
          sum[i] = (sum[i] as number) + (output[offset + i] as number) * weight;
        offset += sum.length;
      }
    }
    if (ownPart) tf.dispose([ownPart.value, ...Object.values(ownPart.grads)]);
    const grads: tf.NamedTensorMap = {};
    trainable.forEach((v, i) => {
      grads[v.name] = tf.tensor(sums[i] as Float32Array, v.shape);
    });
    return { value: tf.scalar(loss), grads };
  }

  /** Blocks until every replica finished the step; throws a replica's failure or silence. */
  private waitForReplicas(): void {
    const replicas = this.options.threads - 1;
    const deadline = performance.now() + this.timeoutMs;
    for (;;) {
      const done = Atomics.load(this.control, CONTROL.DONE);
      const failed = Atomics.load(this.control, CONTROL.FAILED);
      if (failed !== 0) {
        const message = failureText(this.control, this.buffers.error);
        Atomics.store(this.control, CONTROL.FAILED, 0);
        // Let the others finish the step before the error unwinds (they write shared memory).
        while (Atomics.load(this.control, CONTROL.DONE) < replicas && performance.now() < deadline)
          Atomics.wait(this.control, CONTROL.DONE, Atomics.load(this.control, CONTROL.DONE), 50);
        throw new ReplicaError(`replica thread ${failed}: ${message}`);
      }
      if (done >= replicas) return;
      if (performance.now() > deadline)
        throw new ReplicaError(`replica threads did not answer within ${this.timeoutMs / 1000} s`);
      Atomics.wait(this.control, CONTROL.DONE, done, 1000);
    }
  }

  /**
   * Stops the replica threads and returns each one's trainable weights as it last held them (for
   * the check that replicas compute on the main thread's broadcast), null for a thread that did not answer.
   */
  async close(): Promise<(Float32Array[] | null)[]> {
    const answers = this.workers.map(
      (worker) =>
        new Promise<Float32Array[] | null>((resolve) => {
          if (this.exited.has(worker)) return resolve(null);
          const timer = setTimeout(() => resolve(null), 10_000);
          this.messages.set(worker, (message) => {
            clearTimeout(timer);
            resolve(message.type === 'weights' ? (message.values ?? null) : null);
          });
        }),
    );
    Atomics.store(this.control, CONTROL.COMMAND, COMMAND.STOP);
    Atomics.add(this.control, CONTROL.SEQUENCE, 1);
    Atomics.notify(this.control, CONTROL.SEQUENCE);
    const weights = await Promise.all(answers);
    await Promise.all(this.workers.map((w) => w.terminate()));
    return weights;
  }

  /**
   * The trainable weights of the last step's broadcast (host copies, `trainableVariables` order), as
   * the replicas computed that step's gradients on them.
   */
  broadcastWeights(): Float32Array[] {
    const starts: number[] = [];
    let offset = 0;
    for (const v of this.flow.variables) {
      starts.push(offset);
      offset += v.size;
    }
    return this.flow.trainableVariables.map((v) => {
      const start = starts[this.flow.variables.indexOf(v as tf.Variable)] as number;
      return this.weights.slice(start, start + v.size);
    });
  }
}
