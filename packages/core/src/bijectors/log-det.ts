import * as tf from '@tensorflow/tfjs-core';

/** The same log|det J| for every row: a scalar `total` broadcast to `[batch]` (gradients sum back). */
export function sameLogDetPerRow(total: tf.Tensor, batch: number): tf.Tensor {
  return tf.broadcastTo(tf.reshape(total, [1]), [batch]);
}

/** log|det J| = 0 for every row of a volume-preserving map, shape `[batch]`. */
export function zeroLogDet(batch: number): tf.Tensor {
  return tf.zeros([batch]);
}
