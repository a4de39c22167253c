import * as tf from '@tensorflow/tfjs-core';
import { OptionError, type CallRecord, type Flow } from '@bijective/core';
import type { ShardedGradients } from './fit.js';
import type { AdamState } from './fit-state.js';
import type { ReducedGradients } from './guarded-optimiser.js';
import {
  COMMAND,
  CONTROL,
  ERROR_CAPACITY,
  SYNC,
  failureText,
  shardBounds,
  sizeOf,
  waitFor,
  type ReplicaBuffers,
  type ReplicaRun,
  type ReplicaOptimiser,
} from './replica-layout.js';
import { logProbInBatches } from './evaluate.js';
import { reduceShards, writeShard } from './replica-reduce.js';
import { ReplicaError, ReplicaThreads } from './replica-threads.js';

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
  /** Adam's settings and the clipping norm of the run (default Adam's, no clipping): each replica applies the same update. */
  optimiser?: ReplicaOptimiser;
  /** Adam's state the run resumes from, if it does. */
  adamState?: AdamState | null;
  /** The most validation rows the threads share (0 or absent: validation stays on the main thread). */
  validationRows?: number;
  /**
   * The most training rows the threads share once, each gathering its own shard of every minibatch
   * by index (0 or absent: the main thread copies each replica's rows every step).
   */
  tableRows?: number;
  /** Seconds to wait for a replica's answer before giving up (default 600). */
  timeoutSeconds?: number;
  /** Replica threads started ahead of the run (`startReplicaThreads`); absent: the pool starts its own. */
  replicas?: ReplicaThreads;
}

/** Whether two shapes are equal. */
function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/** Seed of shard k's draws in the objective (shard 0, the main thread, keeps the step's seed). */
function shardSeed(seed: number, k: number): number {
  return k === 0 ? seed : (seed + Math.imul(k, 0x9e3779b1)) >>> 0;
}

/**
 * The main thread's side of a data-parallel run: `threads - 1` replica threads, each holding a
 * copy of the flow and of Adam, and the gradient all-reduce of each step through shared memory.
 * The training rows are shared once ({@link ReplicaPool.shareRows}); per step the main thread
 * writes the minibatch's indices (or, where the rows are not shared, each replica's rows) and the
 * learning rate, wakes the replicas (Atomics), which gather their own shards, computes shard 0 itself and writes its output like the others;
 * once every thread has written its output, each thread (the main one in `gradients`, the
 * replicas on their own) averages losses and gradients weighted by shard rows in thread order and
 * applies the same clipped Adam update to its own weights, so the threads hold the same weights
 * bit for bit with no weights sent between them. The weights are broadcast once, before the first
 * step (a resumed run's differ from the model file's), and non-trainable variables (running
 * statistics) whenever the main thread's change.
 * @internal
 */
export class ReplicaPool implements ShardedGradients {
  private readonly control: Int32Array;
  private readonly scalars: Float64Array;
  private readonly weights: Float32Array;
  private readonly inputs: Float32Array[];
  private readonly indices: Int32Array;
  /** Whether the training rows are in shared memory ({@link shareRows}). */
  private shared = false;
  private readonly outputs: Float32Array[];
  private readonly buffers: ReplicaBuffers;
  private readonly timeoutMs: number;
  /** The replica threads (started ahead of the run, or by {@link start}). */
  private readonly replicas: ReplicaThreads;
  /** Steps run (the replicas count the same). */
  private step = 0;
  /** Commands the threads completed (steps and validation passes; the replicas count the same). */
  private rounds = 0;
  /** Whether the replicas took over every variable once. */
  private synced = false;
  /** The validation rows the replicas hold their shares of. */
  private validationData: tf.Tensor | null = null;
  /** The main thread's trainable weights after its last update (set by {@link finished}). */
  private last: Float32Array[] | null = null;
  /** The reduced flat gradient of a step (one float per trainable weight), reused every step. */
  private readonly reduced: Float32Array;

  private constructor(
    private readonly flow: Flow,
    private readonly options: ReplicaPoolOptions,
  ) {
    const { threads } = options;
    const replicas = threads - 1;
    const shardRows = Math.ceil(options.batchRows / threads);
    const rowFloats = sizeOf(options.rowShape) + (options.contextShape ? sizeOf(options.contextShape) : 0);
    const gradients = flow.trainableVariables.reduce((sum, v) => sum + v.size, 0);
    const weights = flow.variables.reduce((sum, v) => sum + v.size, 0);
    this.buffers = {
      control: new SharedArrayBuffer(4 * (CONTROL.ROWS + 2 * threads)),
      scalars: new SharedArrayBuffer(8),
      weights: new SharedArrayBuffer(4 * weights),
      error: new SharedArrayBuffer(ERROR_CAPACITY),
      inputs: Array.from({ length: replicas }, () => new SharedArrayBuffer(4 * shardRows * rowFloats)),
      outputs: Array.from({ length: 2 * threads }, () => new SharedArrayBuffer(4 * (1 + gradients))),
      validation: Array.from(
        { length: replicas },
        () => new SharedArrayBuffer(4 * Math.ceil((options.validationRows ?? 0) / threads) * rowFloats),
      ),
      sums: new SharedArrayBuffer(8 * threads),
      table: new SharedArrayBuffer(4 * (options.tableRows ?? 0) * sizeOf(options.rowShape)),
      tableContext: new SharedArrayBuffer(
        4 * (options.tableRows ?? 0) * (options.contextShape ? sizeOf(options.contextShape) : 0),
      ),
      indices: new SharedArrayBuffer(options.tableRows ? 4 * options.batchRows : 0),
    };
    this.control = new Int32Array(this.buffers.control);
    this.scalars = new Float64Array(this.buffers.scalars);
    this.weights = new Float32Array(this.buffers.weights);
    this.inputs = this.buffers.inputs.map((b) => new Float32Array(b));
    this.indices = new Int32Array(this.buffers.indices);
    this.outputs = this.buffers.outputs.map((b) => new Float32Array(b));
    this.timeoutMs = (options.timeoutSeconds ?? 600) * 1000;
    this.replicas = options.replicas ?? new ReplicaThreads(threads, options.worker, options.imports);
    this.reduced = new Float32Array(gradients);
  }

  /**
   * Starts the replica threads (or takes those started ahead, `options.replicas`), hands each its
   * run and resolves once each has loaded the flow (rejects with the first failure).
   */
  static async start(flow: Flow, options: ReplicaPoolOptions): Promise<ReplicaPool> {
    if (options.replicas && options.replicas.threads !== options.threads) {
      await options.replicas.close();
      throw new OptionError(
        `the replica threads were started for ${options.replicas.threads} threads, the run has ${options.threads}`,
      );
    }
    const pool = new ReplicaPool(flow, options);
    try {
      await pool.replicas.begin((): ReplicaRun => pool.run(), pool.timeoutMs);
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  /** What each replica thread is handed: the flow's model file, the shapes, the shared memory and the update's settings. */
  private run(): ReplicaRun {
    return {
      artifacts: this.options.artifacts,
      rowShape: this.options.rowShape,
      contextShape: this.options.contextShape,
      buffers: this.buffers,
      threads: this.options.threads,
      optimiser: this.options.optimiser ?? {},
      adamState: this.options.adamState ?? null,
    };
  }

  /**
   * Writes the flow's variables into shared memory for the replicas to take over: every one before
   * the first command; else the non-trainable ones (running statistics), always (`state`: a
   * validation pass, which reads them) or only where they changed. Returns what the replicas must
   * take over ({@link SYNC}).
   */
  private broadcast(state: boolean): number {
    const all = !this.synced;
    this.synced = true;
    const trainable = new Set(this.flow.trainableVariables);
    let offset = 0;
    let changed = false;
    for (const v of this.flow.variables) {
      if (all || !trainable.has(v)) {
        const values = v.dataSync() as Float32Array;
        const held = this.weights.subarray(offset, offset + v.size);
        if (all || state || values.some((x, i) => !Object.is(x, held[i]))) {
          held.set(values);
          changed = true;
        }
      }
      offset += v.size;
    }
    return all ? SYNC.ALL : changed ? SYNC.STATE : SYNC.NONE;
  }

  /** Orders `command` of the replicas (their rows already written) and wakes them. */
  private order(command: number, sync: number): void {
    Atomics.store(this.control, CONTROL.SYNC, sync);
    Atomics.store(this.control, CONTROL.COMMAND, command);
    Atomics.add(this.control, CONTROL.SEQUENCE, 1);
    Atomics.notify(this.control, CONTROL.SEQUENCE);
  }

  /** Counts the main thread's part of the command done and waits for the replicas'. */
  private arrive(): void {
    this.rounds += 1;
    Atomics.add(this.control, CONTROL.ARRIVED, 1);
    Atomics.notify(this.control, CONTROL.ARRIVED);
    this.waitForReplicas(this.options.threads * this.rounds);
  }

  /**
   * Copies the training rows (and their context) into shared memory once, so that each thread
   * gathers its own shard of every minibatch by index; false (each step's rows copied as before)
   * when they exceed the room reserved, are not float32 or their shapes differ from the pool's.
   */
  shareRows(train: tf.Tensor, context: tf.Tensor | undefined): boolean {
    const { rowShape, contextShape } = this.options;
    const rows = train.shape[0] as number;
    const fits = (t: tf.Tensor, shape: number[], into: SharedArrayBuffer): boolean =>
      t.dtype === 'float32' && t.size * 4 <= into.byteLength && sameShape(t.shape.slice(1), shape);
    if (
      rows > (this.options.tableRows ?? 0) ||
      !fits(train, rowShape, this.buffers.table) ||
      (context === undefined) !== (contextShape === null) ||
      (context !== undefined && !fits(context, contextShape as number[], this.buffers.tableContext))
    )
      return false;
    new Float32Array(this.buffers.table).set(train.dataSync() as Float32Array);
    if (context) new Float32Array(this.buffers.tableContext).set(context.dataSync() as Float32Array);
    this.shared = true;
    return true;
  }

  /** The rows of a minibatch of `rows` that the main thread computes (the first ones). */
  mainRows(rows: number): number {
    return shardBounds(rows, this.options.threads, 0)[1];
  }

  /**
   * The mean NLL of `data`, each thread scoring its share of the rows with log p summed in float64
   * (the main thread's share first); null when the rows exceed the shared memory, are fewer than
   * the threads or their context does not match the training rows'.
   */
  meanNegLogProb(data: tf.Tensor, context: tf.Tensor | undefined): number | null {
    const { threads, rowShape, contextShape } = this.options;
    const rows = data.shape[0] as number;
    if (
      rows < threads ||
      rows > (this.options.validationRows ?? 0) ||
      !sameShape(data.shape.slice(1), rowShape) ||
      (context === undefined) !== (contextShape === null) ||
      (context !== undefined && !sameShape(context.shape.slice(1), contextShape as number[]))
    )
      return null;
    const load = this.validationData !== data;
    if (load) {
      const rowSize = sizeOf(rowShape);
      const contextSize = contextShape ? sizeOf(contextShape) : 0;
      const xs = data.dataSync() as Float32Array;
      const cs = context?.dataSync() as Float32Array | undefined;
      for (let k = 1; k < threads; k++) {
        const [start, end] = shardBounds(rows, threads, k);
        const into = new Float32Array(this.buffers.validation[k - 1] as SharedArrayBuffer);
        into.set(xs.subarray(start * rowSize, end * rowSize));
        if (cs) into.set(cs.subarray(start * contextSize, end * contextSize), (end - start) * rowSize);
      }
      this.validationData = data;
    }
    for (let k = 0; k < threads; k++) {
      const [start, end] = shardBounds(rows, threads, k);
      Atomics.store(this.control, CONTROL.ROWS + 2 * k, end - start);
    }
    Atomics.store(this.control, CONTROL.LOAD, load ? 1 : 0);
    this.order(COMMAND.VALIDATE, this.broadcast(true));
    const [, own] = shardBounds(rows, threads, 0);
    const sums = new Float64Array(this.buffers.sums);
    sums[0] = tf.tidy(() => {
      const logProb = logProbInBatches(this.flow, tf.slice(data, 0, own), {
        context: context ? tf.slice(context, 0, own) : undefined,
      });
      return logProb.reduce((a, b) => a + b, 0);
    });
    this.arrive();
    let total = 0;
    for (let k = 0; k < threads; k++) total += sums[k] as number;
    return -total / rows;
  }

  /**
   * The minibatch's loss and gradients, averaged over the threads' shards (see the class). With
   * `indices` (the rows shared, {@link shareRows}) `x` and `context` hold the main thread's shard
   * alone ({@link mainRows}) and each replica gathers its own; else they hold the whole minibatch.
   */
  gradients(
    x: tf.Tensor,
    context: tf.Tensor | undefined,
    seed: number,
    record: CallRecord,
    learningRate: number,
    indices?: Int32Array,
  ): ReducedGradients {
    const { threads } = this.options;
    const gather = indices !== undefined && this.shared;
    const rows = gather ? indices.length : (x.shape[0] as number);
    const sync = this.broadcast(false);
    if (gather) this.indices.set(indices);
    else this.copyShards(x, context);
    for (let k = 1; k < threads; k++) {
      const [start, end] = shardBounds(rows, threads, k);
      Atomics.store(this.control, CONTROL.ROWS + 2 * k, end - start);
      Atomics.store(this.control, CONTROL.ROWS + 2 * k + 1, shardSeed(seed, k) | 0);
    }
    Atomics.store(this.control, CONTROL.ROWS, shardBounds(rows, threads, 0)[1]);
    Atomics.store(this.control, CONTROL.GATHER, gather ? 1 : 0);
    this.scalars[0] = learningRate;
    this.order(COMMAND.STEP, sync);
    const trainable = this.flow.trainableVariables as tf.Variable[];
    const [, own] = shardBounds(rows, threads, 0);
    const parity = this.step & 1;
    const outputs = this.outputs.slice(parity * threads, (parity + 1) * threads);
    const mine = outputs[0] as Float32Array;
    if (own > 0) {
      const { value, grads } = tf.variableGrads(() => {
        const x0 = gather ? x : tf.slice(x, 0, own);
        const c0 = context && !gather ? tf.slice(context, 0, own) : context;
        return record.penalise(this.flow.trainingLoss(x0, { context: c0, record, seed }));
      }, trainable);
      writeShard(mine, value, grads, trainable);
      tf.dispose([value, ...Object.values(grads)]);
    } else mine.fill(0);
    this.step += 1;
    this.arrive();
    const shares = outputs.map((_, k) => {
      const [start, end] = shardBounds(rows, threads, k);
      return (end - start) / rows;
    });
    return reduceShards(outputs, shares, trainable, this.options.optimiser?.clipNorm, this.reduced);
  }

  /** Copies each replica's shard of the minibatch `x` (and of its context) into its input buffer. */
  private copyShards(x: tf.Tensor, context: tf.Tensor | undefined): void {
    const { threads } = this.options;
    const rows = x.shape[0] as number;
    const rowSize = sizeOf(this.options.rowShape);
    const contextSize = this.options.contextShape ? sizeOf(this.options.contextShape) : 0;
    const xs = x.dataSync() as Float32Array;
    const cs = context?.dataSync() as Float32Array | undefined;
    for (let k = 1; k < threads; k++) {
      const [start, end] = shardBounds(rows, threads, k);
      const input = this.inputs[k - 1] as Float32Array;
      input.set(xs.subarray(start * rowSize, end * rowSize));
      if (cs) input.set(cs.subarray(start * contextSize, end * contextSize), (end - start) * rowSize);
    }
  }

  /** Blocks until `arrived` outputs were written in all; throws a replica's failure or silence. */
  private waitForReplicas(arrived: number): void {
    const deadline = performance.now() + this.timeoutMs;
    waitFor(
      this.control,
      CONTROL.ARRIVED,
      (value) => value >= arrived && Atomics.load(this.control, CONTROL.FAILED) === 0,
      () => {
        const failed = Atomics.load(this.control, CONTROL.FAILED);
        if (failed !== 0) {
          const message = failureText(this.control, this.buffers.error);
          throw new ReplicaError(`replica thread ${failed}: ${message}`);
        }
        if (performance.now() > deadline)
          throw new ReplicaError(`replica threads did not answer within ${this.timeoutMs / 1000} s`);
      },
    );
  }

  /** Keeps the main thread's trainable weights after the last update ({@link finalWeights}). */
  finished(): void {
    this.last = this.flow.trainableVariables.map((v) => Float32Array.from(v.dataSync()));
  }

  /**
   * The main thread's trainable weights after the run's last update (`trainableVariables` order),
   * which every replica must hold, or null when the run did not finish.
   */
  finalWeights(): Float32Array[] | null {
    return this.last;
  }

  /**
   * Stops the replica threads and returns each one's trainable weights as it last held them (for
   * the check that they made the main thread's updates, {@link finalWeights}), null for a thread that did not answer.
   */
  async close(): Promise<(Float32Array[] | null)[]> {
    const answers = this.replicas.finalWeights(10_000);
    Atomics.store(this.control, CONTROL.COMMAND, COMMAND.STOP);
    Atomics.add(this.control, CONTROL.SEQUENCE, 1);
    Atomics.notify(this.control, CONTROL.SEQUENCE);
    // A replica may wait for the others' outputs of a step the main thread gave up.
    Atomics.notify(this.control, CONTROL.ARRIVED);
    const weights = await answers;
    await this.replicas.close();
    return weights;
  }
}
