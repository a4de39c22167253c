import type * as tf from '@tensorflow/tfjs-core';
import type { AdamState } from './fit-state.js';

/**
 * The shared memory of a data-parallel run (`fitParallel`): one control block of Int32 slots that
 * the threads synchronise on with Atomics, the step's learning rate, the weights the main thread
 * broadcasts when the replicas must take them over, per replica thread its input rows, and per
 * thread (the main thread's too) two outputs used on alternate steps (loss, then every trainable
 * variable's gradient, flattened in `trainableVariables` order): every thread reduces them all.
 * @internal
 */
export interface ReplicaBuffers {
  /** Int32 control slots (see {@link CONTROL}). */
  control: SharedArrayBuffer;
  /** Float64 scalars of the step: the learning rate. */
  scalars: SharedArrayBuffer;
  /** Float32 values of every variable of the flow, `flow.variables` order. */
  weights: SharedArrayBuffer;
  /** UTF-8 text of the first failure, length-prefixed by CONTROL.ERROR_BYTES. */
  error: SharedArrayBuffer;
  /** Per replica thread: Float32 rows of its shard (data rows, then context rows). */
  inputs: SharedArrayBuffer[];
  /** Output of thread k on steps of parity p at index p·threads + k: Float32 loss, then the flattened gradients. */
  outputs: SharedArrayBuffer[];
  /** Per replica thread: Float32 rows of its share of the validation data (rows, then context rows). */
  validation: SharedArrayBuffer[];
  /** Float64 per thread: the sum of log p over its share of a validation pass. */
  sums: SharedArrayBuffer;
  /** Float32 training rows, shared once (empty when each step's rows are copied into `inputs`). */
  table: SharedArrayBuffer;
  /** Float32 context rows aligned with `table` (empty without context). */
  tableContext: SharedArrayBuffer;
  /** Int32 indices into `table` of the step's minibatch, thread k's shard at its rows' place. */
  indices: SharedArrayBuffer;
}

/**
 * Slots of the control block: the command sequence number the replicas wait on, the command, the
 * count of threads that finished their part of a command (it only grows: the r-th command is
 * complete at threads·r), the failed replica (0: none), the error's byte length, what the replicas take
 * over from the weights buffer before the command (see {@link SYNC}), whether the validation rows
 * are new, whether a step's rows are gathered from the shared table, then per thread its shard's
 * rows and its seed.
 * @internal
 */
export const CONTROL = {
  SEQUENCE: 0,
  COMMAND: 1,
  ARRIVED: 2,
  FAILED: 3,
  ERROR_BYTES: 4,
  SYNC: 5,
  /** 1 when a validation pass's rows are new: each replica rebuilds its share from shared memory. */
  LOAD: 6,
  /** 1 when each thread gathers its shard of the step's minibatch from the shared table by its indices; 0: its rows are in `inputs`. */
  GATHER: 7,
  /** Slot of thread k's rows (of the minibatch, or of the validation data): ROWS + 2k; its seed: ROWS + 2k + 1. */
  ROWS: 8,
} as const;

/** CONTROL.SYNC: nothing, every variable (the first step), or the non-trainable ones only (running statistics). @internal */
export const SYNC = { NONE: 0, ALL: 1, STATE: 2 } as const;

/** The optimiser settings every thread applies identically. @internal */
export interface ReplicaOptimiser {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
  clipNorm?: number;
}

/** Commands in CONTROL.COMMAND. @internal */
export const COMMAND = { STEP: 1, STOP: 2, VALIDATE: 3 } as const;

/** Bytes of the shared error text. @internal */
export const ERROR_CAPACITY = 4096;

/** What a replica thread is started with (`workerData`), before its run's flow and data exist. @internal */
export interface ReplicaStart {
  /** Marks a replica thread of `fitParallel`. */
  kind: typeof REPLICA_KIND;
  /** This replica's index (1 .. threads-1; the main thread is shard 0). */
  index: number;
  /** tfjs backend to run on (the main thread's). */
  backend: string;
  /** Modules to import before loading the flow (plugins registering its bijectors). */
  imports: string[];
}

/** The run a started replica thread is handed (its one message from the main thread). @internal */
export interface ReplicaRun {
  /** The flow's model file in memory (core io). */
  artifacts: tf.io.ModelArtifacts;
  /** Shape of one data row and of one context row (null without context). */
  rowShape: number[];
  contextShape: number[] | null;
  /** Shared memory. */
  buffers: ReplicaBuffers;
  /** Threads in all, the main thread included. */
  threads: number;
  /** Adam's settings and the clipping norm, as the main thread's. */
  optimiser: ReplicaOptimiser;
  /** Adam's state to start from (a resumed run's), or null. */
  adamState: AdamState | null;
}

/** All a replica thread computes with: how it was started and its run. @internal */
export type ReplicaInit = ReplicaStart & ReplicaRun;

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

/** Writes an error text into the shared error buffer (first failure wins), flags replica `index` and wakes the main thread. @internal */
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
  Atomics.notify(control, CONTROL.ARRIVED);
}

/**
 * Most milliseconds a waiting thread polls a slot before it sleeps: a step's threads wait on each
 * other for well under that on idle cores, and a core that went idle in `Atomics.wait` takes long
 * to wake (on a virtual machine a halted virtual CPU is scheduled again: up to a millisecond per
 * wake-up, twice a step), where polling costs only the wait itself.
 */
const SPIN_MS = 1;
/** Least polling: where the cores are oversubscribed, the thread waited for is not running, and polling burns a core others need. */
const MIN_SPIN_MS = 0.02;
/** This thread's polling budget: doubled (up to {@link SPIN_MS}) when a wait ended while polling, quartered when it had to sleep. */
let spinBudget = SPIN_MS;

/**
 * Blocks until `done()` holds, polling `control[slot]` for up to the thread's adaptive polling
 * budget, then sleeping on the slot in turns of at most `turnMs`; `check()` runs between turns (it
 * throws to give up).
 * @internal
 */
export function waitFor(
  control: Int32Array,
  slot: number,
  done: (value: number) => boolean,
  check: () => void,
  turnMs = 1000,
): void {
  let value = Atomics.load(control, slot);
  if (done(value)) return;
  const spinUntil = performance.now() + spinBudget;
  for (let i = 0; ; i++) {
    value = Atomics.load(control, slot);
    if (done(value)) {
      spinBudget = Math.min(SPIN_MS, 2 * spinBudget);
      return;
    }
    if ((i & 63) === 63 && performance.now() > spinUntil) break;
  }
  spinBudget = Math.max(MIN_SPIN_MS, spinBudget / 4);
  for (;;) {
    check();
    Atomics.wait(control, slot, value, turnMs);
    value = Atomics.load(control, slot);
    if (done(value)) return;
  }
}

/** The shared error text. @internal */
export function failureText(control: Int32Array, error: SharedArrayBuffer): string {
  const length = Atomics.load(control, CONTROL.ERROR_BYTES);
  return new TextDecoder().decode(new Uint8Array(error).slice(0, length));
}
