import * as tf from '@tensorflow/tfjs-core';
import {
  BijectiveError,
  CallRecord,
  OptionError,
  ShapeError,
  gatherRowsInto,
  isRegistered,
  loadFlow,
  useBackend,
  type Flow,
} from '@bijective/core';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Adam } from './adam.js';
import { reducedAdamUpdate } from './guarded-optimiser.js';
import {
  COMMAND,
  CONTROL,
  REPLICA_KIND,
  SYNC,
  reportFailure,
  sizeOf,
  waitFor,
  type ReplicaInit,
  type ReplicaRun,
  type ReplicaStart,
} from './replica-layout.js';
import { logProbInBatches } from './evaluate.js';
import { reduceShards, writeShard } from './replica-reduce.js';

/**
 * Whether this thread is a replica thread started by `fitParallel`; the worker module passed as
 * `worker` then calls {@link serveReplica} instead of running its program.
 *
 * @example
 * ```ts
 * import { isReplicaThread } from '@bijective/train/node';
 *
 * console.log(isReplicaThread()); // false on the main thread
 * ```
 */
export function isReplicaThread(): boolean {
  return !isMainThread && (workerData as Partial<ReplicaStart> | null)?.kind === REPLICA_KIND;
}

/** Copies the broadcast weights into the replica's variables: every one, or only those not in `skip`. */
function assignShared(
  variables: readonly tf.Variable[],
  weights: Float32Array,
  skip: ReadonlySet<tf.Variable>,
): void {
  let offset = 0;
  for (const v of variables) {
    if (!skip.has(v)) {
      // slice: a private copy (the backend may keep the array, and the main thread rewrites the buffer).
      const t = tf.tensor(weights.slice(offset, offset + v.size), v.shape, v.dtype);
      v.assign(t);
      t.dispose();
    }
    offset += v.size;
  }
}

/**
 * Replica `index`'s shard of a step's minibatch (`rows` rows starting at row `start` of it): gathered
 * from the shared training table by the shared indices, or as the main thread copied it.
 */
function shardInput(
  init: ReplicaInit,
  rows: number,
  start: number,
  gather: boolean,
): { x: Float32Array; context: Float32Array | null } {
  const rowSize = sizeOf(init.rowShape);
  const contextSize = init.contextShape ? sizeOf(init.contextShape) : 0;
  if (gather) {
    const indices = new Int32Array(init.buffers.indices, 4 * start, rows);
    return {
      x: gatherRowsInto(new Float32Array(init.buffers.table), rowSize, indices),
      context: init.contextShape
        ? gatherRowsInto(new Float32Array(init.buffers.tableContext), contextSize, indices)
        : null,
    };
  }
  const input = new Float32Array(init.buffers.inputs[init.index - 1] as SharedArrayBuffer);
  // slice: private copies (the backend may keep the array, and the main thread rewrites the buffer).
  return {
    x: input.slice(0, rows * rowSize),
    context: init.contextShape ? input.slice(rows * rowSize, rows * (rowSize + contextSize)) : null,
  };
}

/** One step's shard of replica `index` (see {@link shardInput}): its loss and flattened gradients, written to `output`. */
function shardStep(
  flow: Flow,
  init: ReplicaInit,
  shard: { rows: number; start: number; gather: boolean },
  seed: number,
  output: Float32Array,
): void {
  const { rows } = shard;
  if (rows === 0) {
    output.fill(0);
    return;
  }
  const input = shardInput(init, rows, shard.start, shard.gather);
  const record = new CallRecord();
  try {
    tf.tidy(() => {
      const x = tf.tensor(input.x, [rows, ...init.rowShape]);
      const context =
        input.context && init.contextShape
          ? tf.tensor(input.context, [rows, ...init.contextShape])
          : undefined;
      const trainable = flow.trainableVariables as tf.Variable[];
      const { value, grads } = tf.variableGrads(
        () => record.penalise(flow.trainingLoss(x, { context, record, seed })),
        trainable,
      );
      writeShard(output, value, grads, trainable);
    });
  } finally {
    record.dispose();
  }
}

/** This replica's share of the validation rows (`rows` of them), from shared memory. */
function validationShare(init: ReplicaInit, rows: number): { rows: tf.Tensor; context?: tf.Tensor } {
  const input = new Float32Array(init.buffers.validation[init.index - 1] as SharedArrayBuffer);
  const rowSize = sizeOf(init.rowShape);
  const contextSize = init.contextShape ? sizeOf(init.contextShape) : 0;
  return {
    rows: tf.tensor(input.slice(0, rows * rowSize), [rows, ...init.rowShape]),
    ...(init.contextShape
      ? {
          context: tf.tensor(input.slice(rows * rowSize, rows * (rowSize + contextSize)), [
            rows,
            ...init.contextShape,
          ]),
        }
      : {}),
  };
}

/** The run the main thread hands this replica thread (its one message). */
function nextRun(): Promise<ReplicaRun> {
  return new Promise((resolve) => {
    parentPort?.once('message', (message: { type: string; run: ReplicaRun }) => resolve(message.run));
  });
}

/** The replica was stopped while it waited for the other threads' outputs. */
class Stopped extends Error {}

/**
 * The body of a replica thread of `fitParallel`: imports the plugins it was given, selects the main
 * thread's backend, waits for its run (the main thread's one message: the model bytes and the shared
 * memory, sent once the flow exists, so the start-up can overlap the program's data loading,
 * `startReplicaThreads`), loads the flow, then per step computes the loss gradient
 * of its shard of the minibatch, writes it to shared memory, waits for the other threads' and
 * applies the same averaged, clipped Adam update as the main thread to its own weights, until the
 * main thread stops it. Returns when stopped; throws outside a replica thread.
 *
 * @example
 * ```ts
 * import { isReplicaThread, serveReplica } from '@bijective/train/node';
 *
 * // At the top of the module given to fitParallel as `worker` (here: not a replica thread, so nothing runs).
 * if (isReplicaThread()) await serveReplica();
 * console.log('main thread');
 * ```
 */
export async function serveReplica(): Promise<void> {
  if (!isReplicaThread())
    throw new OptionError('serveReplica: this is not a replica thread started by fitParallel');
  const start = workerData as ReplicaStart;
  let init: ReplicaInit;
  let flow: Flow;
  try {
    for (const module of start.imports) await import(module);
    tf.env().set('PROD', true);
    // A backend registered with bijective is prepared as the main thread's was; a bare tfjs one is set.
    if (isRegistered('backend', start.backend)) await useBackend(start.backend);
    else if (!(await tf.setBackend(start.backend)) || tf.getBackend() !== start.backend)
      throw new BijectiveError('option', `backend '${start.backend}' is not available in the replica thread`);
    // Started ahead of its run (startReplicaThreads): the run comes once the main thread has its flow.
    init = { ...start, ...(await nextRun()) };
    flow = (await loadFlow(tf.io.fromMemory(init.artifacts))).flow;
    const weights = new Float32Array(init.buffers.weights);
    const total = flow.variables.reduce((sum, v) => sum + v.size, 0);
    if (total !== weights.length)
      throw new ShapeError(`the loaded flow has ${total} weights, the main thread's has ${weights.length}`);
  } catch (e) {
    parentPort?.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  parentPort?.postMessage({ type: 'ready' });
  const control = new Int32Array(init.buffers.control);
  const weights = new Float32Array(init.buffers.weights);
  const scalars = new Float64Array(init.buffers.scalars);
  const outputs = init.buffers.outputs.map((b) => new Float32Array(b));
  const trainable = flow.trainableVariables as tf.Variable[];
  const trainableSet = new Set<tf.Variable>(trainable);
  const reduced = new Float32Array(trainable.reduce((n, v) => n + v.size, 0));
  const adam = new Adam(init.optimiser);
  if (init.adamState) adam.restore(trainable, init.adamState);
  const { threads, index } = init;
  const stopped = (): void => {
    if (Atomics.load(control, CONTROL.COMMAND) === COMMAND.STOP) throw new Stopped();
  };
  const sums = new Float64Array(init.buffers.sums);
  let validation: { rows: tf.Tensor; context?: tf.Tensor } | null = null;
  const fail = (e: unknown): void =>
    reportFailure(control, init.buffers.error, index, e instanceof Error ? e.message : String(e));
  let seen = 0;
  let step = 0;
  let rounds = 0;
  const arrive = (): void => {
    rounds += 1;
    Atomics.add(control, CONTROL.ARRIVED, 1);
    Atomics.notify(control, CONTROL.ARRIVED);
  };
  try {
    for (;;) {
      waitFor(
        control,
        CONTROL.SEQUENCE,
        (value) => value !== seen,
        () => undefined,
      );
      seen = Atomics.load(control, CONTROL.SEQUENCE);
      stopped();
      // The command's orders, read before the main thread can write the next command's.
      const command = Atomics.load(control, CONTROL.COMMAND);
      const rows = Atomics.load(control, CONTROL.ROWS + 2 * index);
      const seed = Atomics.load(control, CONTROL.ROWS + 2 * index + 1) >>> 0;
      const sync = Atomics.load(control, CONTROL.SYNC);
      try {
        if (sync !== SYNC.NONE)
          assignShared(flow.variables, weights, sync === SYNC.ALL ? new Set() : trainableSet);
      } catch (e) {
        fail(e);
        continue;
      }
      if (command === COMMAND.VALIDATE) {
        try {
          if (Atomics.load(control, CONTROL.LOAD) === 1 || validation === null) {
            if (validation) tf.dispose([validation.rows, validation.context ?? []].flat());
            validation = validationShare(init, rows);
          }
          const logProb = logProbInBatches(flow, validation.rows, { context: validation.context });
          sums[index] = logProb.reduce((a, b) => a + b, 0);
        } catch (e) {
          fail(e);
          continue;
        }
        arrive();
        continue;
      }
      const learningRate = scalars[0] as number;
      const shardRows = Array.from({ length: threads }, (_, k) =>
        Atomics.load(control, CONTROL.ROWS + 2 * k),
      );
      const parity = step & 1;
      const mine = outputs.slice(parity * threads, (parity + 1) * threads);
      const shard = {
        rows,
        start: shardRows.slice(0, index).reduce((a, b) => a + b, 0),
        gather: Atomics.load(control, CONTROL.GATHER) === 1,
      };
      try {
        shardStep(flow, init, shard, seed, mine[index] as Float32Array);
      } catch (e) {
        fail(e);
        continue;
      }
      step += 1;
      arrive();
      const complete = threads * rounds;
      waitFor(control, CONTROL.ARRIVED, (value) => value >= complete, stopped);
      try {
        // Every thread reduces the same outputs in the same order and makes the same update.
        const total = shardRows.reduce((a, b) => a + b, 0);
        tf.tidy(() => {
          const shares = shardRows.map((r) => r / total);
          const update = reduceShards(mine, shares, trainable, init.optimiser.clipNorm, reduced);
          reducedAdamUpdate(adam, trainable, update, learningRate);
        });
      } catch (e) {
        fail(e);
      }
    }
  } catch (e) {
    if (!(e instanceof Stopped)) throw e;
  } finally {
    adam.dispose();
    if (validation) tf.dispose([validation.rows, validation.context ?? []].flat());
  }
  // Stopped: hand back the trainable weights as this replica holds them, so the main thread can check
  // them (running statistics such as BatchNorm's are the replica's own until the next broadcast).
  const values = flow.trainableVariables.map((v) => Float32Array.from(v.dataSync()));
  parentPort?.postMessage({ type: 'weights', values });
  flow.dispose();
}
