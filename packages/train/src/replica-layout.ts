import type * as tf from '@tensorflow/tfjs-core';

/**
 * The shared memory of a data-parallel run (`fitParallel`): one control block of Int32 slots that
 * the threads synchronise on with Atomics, the weights the main thread broadcasts before each
 * step, and per replica thread its input rows and its output (loss, then every trainable
 * variable's gradient, flattened in `trainableVariables` order).
 * @internal
 */
export interface ReplicaBuffers {
  /** Int32 control slots (see {@link CONTROL}). */
  control: SharedArrayBuffer;
  /** Float32 values of every variable of the flow, `flow.variables` order. */
  weights: SharedArrayBuffer;
  /** UTF-8 text of the first failure, length-prefixed by CONTROL.ERROR_BYTES. */
  error: SharedArrayBuffer;
  /** Per replica thread: Float32 rows of its shard (data rows, then context rows). */
  inputs: SharedArrayBuffer[];
  /** Per replica thread: Float32 loss followed by the flattened gradients. */
  outputs: SharedArrayBuffer[];
}

/**
 * Slots of the control block: the command sequence number the replicas wait on, the command, the
 * count of replicas done with this step, the failed replica (0: none), the error's byte length,
 * then per replica its shard's rows and its seed.
 * @internal
 */
export const CONTROL = {
  SEQUENCE: 0,
  COMMAND: 1,
  DONE: 2,
  FAILED: 3,
  ERROR_BYTES: 4,
  /** Slot of replica k's rows: ROWS + 2k; its seed: ROWS + 2k + 1 (k from 1). */
  ROWS: 5,
} as const;

/** Commands in CONTROL.COMMAND. @internal */
export const COMMAND = { STEP: 1, STOP: 2 } as const;

/** Bytes of the shared error text. @internal */
export const ERROR_CAPACITY = 4096;

/** What a replica thread is started with (`workerData`). @internal */
export interface ReplicaInit {
  /** Marks a replica thread of `fitParallel`. */
  kind: typeof REPLICA_KIND;
  /** This replica's index (1 .. threads-1; the main thread is shard 0). */
  index: number;
  /** tfjs backend to run on (the main thread's). */
  backend: string;
  /** Modules to import before loading the flow (plugins registering its bijectors). */
  imports: string[];
  /** The flow's model file in memory (core io). */
  artifacts: tf.io.ModelArtifacts;
  /** Shape of one data row and of one context row (null without context). */
  rowShape: number[];
  contextShape: number[] | null;
  /** Shared memory. */
  buffers: ReplicaBuffers;
}

/** `workerData.kind` of a replica thread. @internal */
export const REPLICA_KIND = '@bijective/train replica';

/** The rows [start, end) of shard k of a minibatch of `rows` rows split over `threads` threads. @internal */
export function shardBounds(rows: number, threads: number, k: number): [number, number] {
  return [Math.floor((k * rows) / threads), Math.floor(((k + 1) * rows) / threads)];
}

/** Product of a shape's sizes. @internal */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Writes an error text into the shared error buffer (first failure wins) and flags replica `index`. @internal */
export function reportFailure(
  control: Int32Array,
  error: SharedArrayBuffer,
  index: number,
  message: string,
): void {
  if (Atomics.compareExchange(control, CONTROL.FAILED, 0, index) !== 0) return;
  const bytes = new TextEncoder().encode(message).subarray(0, ERROR_CAPACITY);
  new Uint8Array(error).set(bytes);
  Atomics.store(control, CONTROL.ERROR_BYTES, bytes.length);
  Atomics.add(control, CONTROL.DONE, 1);
  Atomics.notify(control, CONTROL.DONE);
}

/** The shared error text. @internal */
export function failureText(control: Int32Array, error: SharedArrayBuffer): string {
  const length = Atomics.load(control, CONTROL.ERROR_BYTES);
  return new TextDecoder().decode(new Uint8Array(error).slice(0, length));
}
