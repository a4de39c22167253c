import * as tf from '@tensorflow/tfjs-core';

/**
 * Global-norm clipping (Pascanu et al. 2013): g ← g · min(1, c / ‖g‖₂) over all gradients together;
 * returns the (possibly) clipped gradients and the norm before clipping.
 */
export function clipByGlobalNorm(
  grads: tf.NamedTensorMap,
  clipNorm?: number,
): { clipped: tf.NamedTensorMap; globalNorm: tf.Scalar } {
  const tensors = Object.values(grads);
  const globalNorm = tf.sqrt(tf.addN(tensors.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
  if (clipNorm === undefined) return { clipped: grads, globalNorm };
  const factor = tf.minimum(1, tf.div(clipNorm, tf.maximum(globalNorm, 1e-12)));
  const clipped: tf.NamedTensorMap = {};
  for (const [name, g] of Object.entries(grads)) clipped[name] = tf.mul(g, factor);
  return { clipped, globalNorm };
}
