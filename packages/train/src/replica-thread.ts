import * as tf from '@tensorflow/tfjs-core';
import {
  BijectiveError,
  CallRecord,
  OptionError,
  ShapeError,
  isRegistered,
  loadFlow,
  useBackend,
  type Flow,
} from '@bijective/core';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { COMMAND, CONTROL, REPLICA_KIND, reportFailure, sizeOf, type ReplicaInit } from './replica-layout.js';

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
  return !isMainThread && (workerData as Partial<ReplicaInit> | null)?.kind === REPLICA_KIND;
}

/** Copies the broadcast weights into the replica's variables. */
function assignShared(variables: readonly tf.Variable[], weights: Float32Array): void {
  let offset = 0;
  for (const v of variables) {
    // slice: a private copy (the backend may keep the array, and the main thread rewrites the buffer).
    const t = tf.tensor(weights.slice(offset, offset + v.size), v.shape, v.dtype);
    v.assign(t);
    t.dispose();
    offset += v.size;
  }
}

/** One step of replica `index`: the loss and flattened gradients of its shard, written to `output`. */
function shardStep(flow: Flow, init: ReplicaInit, control: Int32Array, output: Float32Array): void {
  const rows = Atomics.load(control, CONTROL.ROWS + 2 * init.index);
  const seed = Atomics.load(control, CONTROL.ROWS + 2 * init.index + 1) >>> 0;
  output.fill(0);
  if (rows === 0) return;
  const input = new Float32Array(init.buffers.inputs[init.index - 1] as SharedArrayBuffer);
  const rowSize = sizeOf(init.rowShape);
  const contextSize = init.contextShape ? sizeOf(init.contextShape) : 0;
  const record = new CallRecord();
  try {
    tf.tidy(() => {
      const x = tf.tensor(input.slice(0, rows * rowSize), [rows, ...init.rowShape]);
      const context = init.contextShape
        ? tf.tensor(input.slice(rows * rowSize, rows * (rowSize + contextSize)), [rows, ...init.contextShape])
        : undefined;
      const trainable = flow.trainableVariables as tf.Variable[];
      const { value, grads } = tf.variableGrads(
        () => record.penalise(flow.trainingLoss(x, { context, record, seed })),
        trainable,
      );
      output[0] = value.dataSync()[0] as number;
      let offset = 1;
      for (const v of trainable) {
        const g = grads[v.name];
        if (g) output.set(g.dataSync(), offset);
        offset += v.size;
      }
    });
  } finally {
    record.dispose();
  }
}

/**
 * The body of a replica thread of `fitParallel`: imports the plugins it was given, selects the main
 * thread's backend, loads the flow from the model bytes, then per step copies the broadcast weights,
 * computes the loss gradient of its shard of the minibatch and writes it to shared memory, until
 * the main thread stops it. Returns when stopped; throws outside a replica thread.
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
  const init = workerData as ReplicaInit;
  const control = new Int32Array(init.buffers.control);
  let flow: Flow;
  try {
    for (const module of init.imports) await import(module);
    tf.env().set('PROD', true);
    // A backend registered with bijective is prepared as the main thread's was; a bare tfjs one is set.
    if (isRegistered('backend', init.backend)) await useBackend(init.backend);
    else if (!(await tf.setBackend(init.backend)) || tf.getBackend() !== init.backend)
      throw new BijectiveError('option', `backend '${init.backend}' is not available in the replica thread`);
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
  const weights = new Float32Array(init.buffers.weights);
  const output = new Float32Array(init.buffers.outputs[init.index - 1] as SharedArrayBuffer);
  let seen = 0;
  for (;;) {
    Atomics.wait(control, CONTROL.SEQUENCE, seen);
    seen = Atomics.load(control, CONTROL.SEQUENCE);
    if (Atomics.load(control, CONTROL.COMMAND) === COMMAND.STOP) break;
    try {
      assignShared(flow.variables, weights);
      shardStep(flow, init, control, output);
    } catch (e) {
      reportFailure(control, init.buffers.error, init.index, e instanceof Error ? e.message : String(e));
      continue;
    }
    Atomics.add(control, CONTROL.DONE, 1);
    Atomics.notify(control, CONTROL.DONE);
  }
  // Stopped: hand back the trainable weights as this replica holds them, so the main thread can check
  // them (running statistics such as BatchNorm's are the replica's own until the next broadcast).
  const values = flow.trainableVariables.map((v) => Float32Array.from(v.dataSync()));
  parentPort?.postMessage({ type: 'weights', values });
  flow.dispose();
}
