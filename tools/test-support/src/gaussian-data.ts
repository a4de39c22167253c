// A correlated 2-D Gaussian that a linear flow fits exactly: the training tests' data.
import * as tf from '@tensorflow/tfjs-core';

/** n rows of x = A z + b with z ~ N(0, I) (seeded), A = [[2, 0.5], [0, 0.5]], b = (1, -2). */
export function correlatedGaussian(n: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const z = tf.randomNormal([n, 2], 0, 1, 'float32', seed) as tf.Tensor2D;
    const a = tf.tensor2d([
      [2, 0.5],
      [0, 0.5],
    ]);
    return tf.add(tf.matMul(z, a), tf.tensor1d([1, -2])) as tf.Tensor2D;
  });
}
