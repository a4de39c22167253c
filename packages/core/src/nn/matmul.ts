import * as tf from '@tensorflow/tfjs-core';

/**
 * Matrix product `a · b` (2-D) whose gradient transposes explicitly, `da = dy · bᵀ`, `db = aᵀ · dy`,
 * instead of using matMul's transpose flags, which tfjs's wasm backend runs 10-40x slower.
 */
export const matMulExplicit = tf.customGrad(((a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
  a: tf.Tensor2D,
  b: tf.Tensor2D,
) => tf.Tensor2D;
