import type * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from './errors.js';
import { previewJson } from './json.js';

/** A tensor shape without its leading batch axis. */
export type EventShape = readonly number[];

/** Formats a shape as `[a, b, c]` for error messages (`[a, b, …, y, z] (rank n)` beyond 12 dimensions). */
export function formatShape(shape: readonly (number | null)[]): string {
  const text = (dims: readonly (number | null)[]) =>
    dims.map((s) => (s === null ? 'batch' : String(s))).join(', ');
  if (shape.length <= 12) return `[${text(shape)}]`;
  return `[${text(shape.slice(0, 8))}, …, ${text(shape.slice(-2))}] (rank ${shape.length})`;
}

/** True when two shapes have the same rank and sizes. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** Number of scalars in one event of the given shape. */
export function eventSize(shape: EventShape): number {
  return shape.reduce((n, s) => n * s, 1);
}

/**
 * Checks that `x` is a batch of events of shape `event` (`[batch, ...event]`) and returns the batch
 * size; throws a {@link ShapeError} naming `what`, the expected and the actual shape otherwise.
 * @internal
 */
export function checkBatchOfEvents(x: tf.Tensor, event: EventShape, what: string): number {
  if (x.rank !== event.length + 1 || !sameShape(x.shape.slice(1), event)) {
    throw new ShapeError(
      `${what}: expected shape ${formatShape([null, ...event])}, got ${formatShape(x.shape)}`,
    );
  }
  return x.shape[0] as number;
}

/** Checks that an event shape is a non-empty list of positive integers. */
export function checkEventShape(shape: unknown, what: string): EventShape {
  if (
    !Array.isArray(shape) ||
    shape.length === 0 ||
    !shape.every((s) => typeof s === 'number' && Number.isInteger(s) && s > 0)
  ) {
    throw new ShapeError(
      `${what}: event shape must be a non-empty list of positive integers, got ${previewJson(shape)}`,
    );
  }
  return shape as EventShape;
}
