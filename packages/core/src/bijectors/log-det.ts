import * as tf from '@tensorflow/tfjs-core';

/**
 * The same log|det J| for every row: a scalar `total` broadcast to `[batch]` by adding zeros, whose
 * gradient is one sum (tf.broadcastTo's gradient runs a slice and an add per row).
 * @internal
 */
export function sameLogDetPerRow(total: tf.Tensor, batch: number): tf.Tensor {
  return tf.add(tf.zeros([batch]), tf.reshape(total, []));
}

/**
 * log|det J| = 0 for every row of a volume-preserving map, shape `[batch]`.
 * @internal
 */
export function zeroLogDet(batch: number): tf.Tensor {
  return tf.zeros([batch]);
}
