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
 * The same log|det J| = `total` (a host number, rounded to float32) for every row, shape `[batch]`,
 * as one fill: the same floats as {@link sameLogDetPerRow} of a float32 scalar (0 + t = t; a −0 total
 * gives +0 there and here), for maps whose log-det is a constant nothing is trained through.
 * @internal
 */
export function constantLogDetPerRow(total: number, batch: number): tf.Tensor {
  return tf.fill([batch], total + 0, 'float32');
}

/**
 * log|det J| = 0 for every row of a volume-preserving map, shape `[batch]`.
 * @internal
 */
export function zeroLogDet(batch: number): tf.Tensor {
  return tf.zeros([batch]);
}
