import * as tf from '@tensorflow/tfjs-core';

/**
 * aᵀ b for batches a `[n, p]` and b `[n, q]` (the weight gradient of a dense layer), without matMul's
 * transpose flags (slow on tfjs's wasm backend): transposes a when p ≤ q, else computes (bᵀ a)ᵀ, so
 * that the batch-sized transpose is always the narrower one (transposes of wide batches are slow too).
 */
export function batchContraction(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const [p, q] = [a.shape[1], b.shape[1]];
  if (p <= q) return tf.matMul(tf.transpose(a) as tf.Tensor2D, b);
  return tf.transpose(tf.matMul(tf.transpose(b) as tf.Tensor2D, a)) as tf.Tensor2D;
}
