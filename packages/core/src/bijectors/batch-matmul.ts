import * as tf from '@tensorflow/tfjs-core';

/**
 * Batched matrix product `a[i] · b[i]` (3-D) whose gradient transposes explicitly, `da = dy · bᵀ`,
 * `db = aᵀ · dy`, instead of using matMul's transpose flags, which tfjs's wasm backend runs slowly.
 * @internal
 */
export const batchMatMulExplicit = tf.customGrad(((a: tf.Tensor3D, b: tf.Tensor3D, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor3D, tf.Tensor3D];
      return [tf.matMul(dy, tf.transpose(sb, [0, 2, 1])), tf.matMul(tf.transpose(sa, [0, 2, 1]), dy)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
  a: tf.Tensor3D,
  b: tf.Tensor3D,
) => tf.Tensor3D;
