import * as tf from '@tensorflow/tfjs-core';

/** A point of a conditional path and its velocity, row by row. */
export interface PathPoint {
  /** x_t `[n, d]`. */
  xt: tf.Tensor2D;
  /** u_t(x_t | x_0, x_1) `[n, d]`, the regression target. */
  ut: tf.Tensor2D;
}

/**
 * The optimal-transport conditional path of Lipman et al. (2022, eq. 20–23) from noise x_0 to data
 * x_1: x_t = (1 − (1 − σ_min) t) x_0 + t x_1 with velocity u_t = x_1 − (1 − σ_min) x_0, for times
 * `t` `[n, 1]` (one per row). With σ_min = 0 it is the straight line of rectified flow (Liu et al.
 * 2022), u_t = x_1 − x_0.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { useBackend } from '@bijective/core';
 * import { otPath } from '@bijective/flow-matching';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const x0 = tf.tensor2d([[0, 0]]);
 * const x1 = tf.tensor2d([[2, 4]]);
 * const { xt, ut } = otPath(x0, x1, tf.tensor2d([[0.25]]), 0);
 * console.log(xt.arraySync(), ut.arraySync()); // [[0.5, 1]] [[2, 4]]
 * ```
 */
export function otPath(x0: tf.Tensor2D, x1: tf.Tensor2D, t: tf.Tensor2D, sigmaMin: number): PathPoint {
  return tf.tidy(() => {
    const keep = 1 - sigmaMin;
    const xt = tf.add(tf.mul(tf.sub(1, tf.mul(t, keep)), x0), tf.mul(t, x1)) as tf.Tensor2D;
    const ut = tf.sub(x1, tf.mul(x0, keep)) as tf.Tensor2D;
    return { xt, ut };
  });
}
