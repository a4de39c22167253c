import * as tf from '@tensorflow/tfjs-core';

/**
 * The one-hot bin mask `[N, K]` of values v `[N, 1]` among interior knots c `[N, K - 1]`: the bin index
 * k = Σ_j step(v - c_j) and mask_i = step(½ - |k - i|). Built from tf.step only, whose gradient is zero,
 * so it is detached from the tape (no gather, no comparison op, no float one-hot kernel).
 */
export function binMask(values: tf.Tensor2D, interior: tf.Tensor2D): tf.Tensor2D {
  const k = interior.shape[1] + 1;
  const index = tf.sum(tf.step(tf.sub(values, interior)), 1, true);
  const bins = tf.tensor1d(Float32Array.from({ length: k }, (_, i) => i));
  return tf.step(tf.sub(0.5, tf.abs(tf.sub(index, bins)))) as tf.Tensor2D;
}

/** The selected bin's parameter per row, Σ_k mask_k·p_k `[N, 1]`; gradients reach p through the product. */
export function selectBin(mask: tf.Tensor2D, params: tf.Tensor2D): tf.Tensor2D {
  return tf.sum(tf.mul(mask, params), 1, true);
}
