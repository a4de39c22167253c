import * as tf from '@tensorflow/tfjs-core';
import type { EventShape } from '../shapes.js';
import { option } from '../options/fields.js';

/**
 * Default lower bound of soft-bounded scales, s = softplus(u) + minScale.
 * @internal
 */
export const DEFAULT_MIN_SCALE = 1e-3;

/**
 * A float32 variable of `shape` holding `values` (row-major), trainable or not.
 * @internal
 */
export function newVariable(values: readonly number[], shape: EventShape, trainable = true): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values as number[], [...shape], 'float32'), trainable));
}

/**
 * softplus⁻¹(y) = y + log(-expm1(-y)) in float64 on the host, for y > 0 (stable for small and large y).
 * @internal
 */
export function softplusInverseHost(y: number): number {
  return y + Math.log(-Math.expm1(-y));
}

/**
 * The unconstrained values u with softplus(u) + minScale = scale, elementwise on the host.
 * @internal
 */
export function unconstrainedScale(scale: readonly number[], minScale: number): number[] {
  return scale.map((s) => softplusInverseHost(s - minScale));
}

/**
 * Soft-bounded positive scale s = softplus(u) + minScale, so that s > minScale > 0 and log s is finite.
 * @internal
 */
export function positiveScale(u: tf.Tensor, minScale: number): tf.Tensor {
  return tf.add(tf.softplus(u), minScale);
}

/**
 * The options of a soft-bounded scale, `scale` (initial values, each > minScale; default 1) and
 * `minScale` (> 0; default {@link DEFAULT_MIN_SCALE}), in the order configs save them.
 * @internal
 */
export const SCALE_FIELDS = {
  scale: option.eventValues({
    default: 1,
    valid: (c) => {
      const minScale = c.value<number>('minScale');
      return { test: (s) => s > minScale, what: `> minScale (${minScale})` };
    },
  }),
  minScale: option.number({ default: DEFAULT_MIN_SCALE, above: 0 }),
};
