import type * as tf from '@tensorflow/tfjs-core';
import { OptionError, ShapeError, ValueError, formatShape, sameShape } from '@bijective/core';
import type { SolveStats, VectorField } from './solver.js';

/** Checks a state tuple: a non-empty array of float32 tensors; throws a {@link ValueError} naming `owner`. */
export function checkInitialState(y0: readonly tf.Tensor[], owner: string): void {
  if (!Array.isArray(y0) || y0.length === 0) {
    throw new ValueError(`${owner}: the initial state must be a non-empty array of tensors`);
  }
  y0.forEach((t, i) => {
    if (t.dtype !== 'float32')
      throw new ValueError(`${owner}: state tensor ${i} has dtype ${t.dtype}; only float32 is supported`);
  });
}

/**
 * Checks requested output times: at least two finite numbers, strictly monotone. Returns the direction
 * of integration (+1 forward, -1 backward); throws an {@link OptionError} naming the problem.
 */
export function checkTimes(times: readonly number[], owner: string): 1 | -1 {
  if (!Array.isArray(times) || times.length < 2) {
    throw new OptionError(
      `${owner}: times must list at least two time points (start and end), got ${JSON.stringify(times)}`,
    );
  }
  times.forEach((t, i) => {
    if (typeof t !== 'number' || !Number.isFinite(t))
      throw new OptionError(`${owner}: times[${i}] = ${t} is not a finite number`);
  });
  const direction = (times[1] as number) > (times[0] as number) ? 1 : -1;
  for (let i = 1; i < times.length; i++) {
    const step = (times[i] as number) - (times[i - 1] as number);
    if (step * direction <= 0) {
      throw new OptionError(
        `${owner}: times must be strictly ${direction > 0 ? 'increasing' : 'decreasing'}; times[${i - 1}] = ${times[i - 1]}, times[${i}] = ${times[i]}`,
      );
    }
  }
  return direction;
}

/**
 * Wraps a vector field for one solve: counts evaluations into `stats` and checks that every output tuple
 * has one tensor per state tensor with the same shape, throwing a {@link ShapeError} otherwise.
 */
export function instrumentField(
  f: VectorField,
  y0: readonly tf.Tensor[],
  stats: SolveStats,
  owner: string,
): VectorField {
  const shapes = y0.map((t) => t.shape);
  return (t, state) => {
    stats.nfe++;
    const out = f(t, state);
    if (!Array.isArray(out) || out.length !== shapes.length) {
      throw new ShapeError(
        `${owner}: the vector field returned ${Array.isArray(out) ? out.length : 'a non-array'} tensors for a state of ${shapes.length}`,
      );
    }
    out.forEach((d, i) => {
      const shape = shapes[i] as number[];
      if (!sameShape(d.shape, shape)) {
        throw new ShapeError(
          `${owner}: the vector field's output ${i} has shape ${formatShape(d.shape)}, expected the state's ${formatShape(shape)}`,
        );
      }
    });
    return out;
  };
}
