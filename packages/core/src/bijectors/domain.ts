import * as tf from '@tensorflow/tfjs-core';

/**
 * Smallest positive normal float32, 2^-126 ≈ 1.18e-38: the floor for inputs of logs.
 * @internal
 */
export const FLOAT32_TINY = 2 ** -126;

/**
 * Largest float32 below 1, 1 - 2^-24: the ceiling for inputs that must stay below 1.
 * @internal
 */
export const FLOAT32_BELOW_ONE = 1 - 2 ** -24;

/**
 * Clamps y into (0, ∞) as [2^-126, ∞), so that log(y) is finite.
 * @internal
 */
export function clampPositive(y: tf.Tensor): tf.Tensor {
  return tf.maximum(y, FLOAT32_TINY);
}

/**
 * Clamps y into (0, 1) as [2^-126, 1 - 2^-24], so that log(y) and log1p(-y) are finite.
 * @internal
 */
export function clampUnitInterval(y: tf.Tensor): tf.Tensor {
  return tf.clipByValue(y, FLOAT32_TINY, FLOAT32_BELOW_ONE);
}

/**
 * Clamps y into (-1, 1) as [-(1 - 2^-24), 1 - 2^-24], so that atanh(y) is finite.
 * @internal
 */
export function clampOpenUnitBall(y: tf.Tensor): tf.Tensor {
  return tf.clipByValue(y, -FLOAT32_BELOW_ONE, FLOAT32_BELOW_ONE);
}
