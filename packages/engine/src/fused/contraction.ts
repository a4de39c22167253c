import * as tf from '@tensorflow/tfjs-core';

/**
 * Widths up to which aᵀ b runs as one matMul with the transpose flag. tfjs's wasm backend computes
 * flagged products in a plain loop (no XNNPACK), which is slow for wide operands but skips XNNPACK's
 * packing of a fresh right-hand batch: for `[256, 2]ᵀ [256, 64]` the loop takes ~7 µs against ~50 µs
 * for a transpose and a packed product (`tools/bench/src/contraction-timing.ts`).
 */
const THIN_WIDTH = 4;

/**
 * aᵀ b for batches a `[n, p]` and b `[n, q]` (the weight gradient of a dense layer). When one side is
 * thin (p or q ≤ {@link THIN_WIDTH}) it is one flagged matMul; given bᵀ (an activation's backward
 * kernel writes it for free), it is (bᵀ a)ᵀ; otherwise, without matMul's transpose flags (slow on
 * tfjs's wasm backend for wide operands), it transposes a when p ≤ q, else computes (bᵀ a)ᵀ, so
 * that the batch-sized transpose is always the narrower one (transposes of wide batches are slow too).
 */
export function batchContraction(a: tf.Tensor2D, b: tf.Tensor2D, bT?: tf.Tensor2D): tf.Tensor2D {
  const [p, q] = [a.shape[1], b.shape[1]];
  if (isThin(p) || isThin(q)) return tf.matMul(a, b, true, false);
  if (bT) return tf.transpose(tf.matMul(bT, a)) as tf.Tensor2D;
  if (p <= q) return tf.matMul(tf.transpose(a) as tf.Tensor2D, b);
  return tf.transpose(tf.matMul(tf.transpose(b) as tf.Tensor2D, a)) as tf.Tensor2D;
}

/** Whether a batch side of `width` columns is thin enough for {@link batchContraction}'s flagged matMul. */
export function isThin(width: number): boolean {
  return width <= THIN_WIDTH;
}
