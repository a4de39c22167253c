import * as tf from '@tensorflow/tfjs-core';
import type { EventShape } from '../shapes.js';
import { readEventValues, readNumber, type OptionRecord } from './options.js';

/** Default lower bound of soft-bounded scales, s = softplus(u) + minScale. */
export const DEFAULT_MIN_SCALE = 1e-3;

/** A float32 variable of `shape` holding `values` (row-major), trainable or not. */
export function newVariable(values: readonly number[], shape: EventShape, trainable = true): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values as number[], [...shape], 'float32'), trainable));
}

/** softplus⁻¹(y) = y + log(-expm1(-y)) in float64 on the host, for y > 0 (stable for small and large y). */
export function softplusInverseHost(y: number): number {
  return y + Math.log(-Math.expm1(-y));
}

/** The unconstrained values u with softplus(u) + minScale = scale, elementwise on the host. */
export function unconstrainedScale(scale: readonly number[], minScale: number): number[] {
  return scale.map((s) => softplusInverseHost(s - minScale));
}

/** Soft-bounded positive scale s = softplus(u) + minScale, so that s > minScale > 0 and log s is finite. */
export function positiveScale(u: tf.Tensor, minScale: number): tf.Tensor {
  return tf.add(tf.softplus(u), minScale);
}

/** The initial scale values and lower bound read from `scale` and `minScale` options, validated. */
export function readScaleOptions(
  owner: string,
  record: OptionRecord,
  shape: EventShape,
): { scale: number[]; minScale: number } {
  const minScale = readNumber(owner, record, 'minScale', DEFAULT_MIN_SCALE, { above: 0 });
  const scale = readEventValues(owner, record, 'scale', shape, 1, {
    test: (s) => s > minScale,
    what: `> minScale (${minScale})`,
  });
  return { scale, minScale };
}
