import * as tf from '@tensorflow/tfjs-core';
import { batchMatMulExplicit } from './batch-matmul.js';

/**
 * The 0/1 mask of the entries strictly below the diagonal of a d x d matrix (built with tf.step, no comparisons).
 * @internal
 */
export function strictlyLowerMask(d: number): tf.Tensor2D {
  return tf.tidy(
    () =>
      tf.step(tf.sub(tf.reshape(tf.range(0, d), [d, 1]), tf.reshape(tf.range(0, d), [1, d]))) as tf.Tensor2D,
  );
}

/**
 * The `[k, b, b]` blocks t[(2j+1)b : (2j+2)b, 2jb : (2j+1)b], j < k, of an m x m matrix (m = 2kb): the
 * sub-diagonal block of each 2b x 2b diagonal block, picked by an identity mask (no gather).
 */
function subDiagonalBlocks(t: tf.Tensor2D, k: number, b: number): tf.Tensor3D {
  const blocks = tf.reshape(
    tf.slice(tf.reshape(t, [k, 2, b, k, 2, b]), [0, 1, 0, 0, 0, 0], [k, 1, b, k, 1, b]),
    [k, b, k, b],
  );
  if (k === 1) return tf.reshape(blocks, [1, b, b]);
  return tf.sum(tf.mul(blocks, tf.reshape(tf.eye(k), [k, 1, k, 1])), 2) as tf.Tensor3D;
}

/**
 * (I + N)⁻¹ of a unit lower-triangular matrix from its strictly-lower part N, exactly, by blocked
 * recursive inversion [[A, 0], [C, B]]⁻¹ = [[A⁻¹, 0], [-B⁻¹ C A⁻¹, B⁻¹]] over ⌈log₂ d⌉ levels of batched
 * products (as stable as substitution; tfjs has no triangular solve). Differentiable; caller owns the result.
 * @internal
 */
export function invertUnitLowerTriangular(strictLower: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const d = strictLower.shape[0];
    let m = 1;
    while (m < d) m *= 2;
    const t =
      m === d
        ? strictLower
        : tf.pad(strictLower, [
            [0, m - d],
            [0, m - d],
          ]);
    let inverse = tf.ones([m, 1, 1]) as tf.Tensor3D;
    for (let b = 1; b < m; b *= 2) {
      const k = m / (2 * b);
      const pairs = tf.reshape(inverse, [k, 2, b, b]);
      const upperLeft = tf.reshape(tf.slice(pairs, [0, 0, 0, 0], [k, 1, b, b]), [k, b, b]) as tf.Tensor3D;
      const lowerRight = tf.reshape(tf.slice(pairs, [0, 1, 0, 0], [k, 1, b, b]), [k, b, b]) as tf.Tensor3D;
      const coupling = subDiagonalBlocks(t, k, b);
      const lowerLeft = tf.neg(batchMatMulExplicit(lowerRight, batchMatMulExplicit(coupling, upperLeft)));
      const top = tf.concat([upperLeft, tf.zeros([k, b, b])], 2);
      const bottom = tf.concat([lowerLeft, lowerRight], 2);
      inverse = tf.concat([top, bottom], 1) as tf.Tensor3D;
    }
    const full = tf.reshape(inverse, [m, m]) as tf.Tensor2D;
    return m === d ? full : tf.slice(full, [0, 0], [d, d]);
  });
}

/**
 * (I + N)⁻¹ of a unit upper-triangular matrix from its strictly-upper part N: the transpose of the lower case.
 * @internal
 */
export function invertUnitUpperTriangular(strictUpper: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.transpose(invertUnitLowerTriangular(tf.transpose(strictUpper))));
}
