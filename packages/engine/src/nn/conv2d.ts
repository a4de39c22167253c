import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@bijective/core';

/**
 * y = conv2d(x, w) with stride 1 and 'same' zero padding (odd square kernels, NHWC), whose gradients
 * run on the fast kernels of every backend (wasm's XNNPACK convolution and matMul; tfjs's wasm
 * backend has no Conv2DBackpropFilter and a slow Conv2DBackpropInput): ∂x = conv2d(∂y, rot180(w)ᵀ)
 * and ∂w a convolution (or matMul) of the input with ∂y, see `filterGradient`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@bijective/engine/gradients';
 * import { useBackend } from '@bijective/core';
 * import { conv2dSame } from '@bijective/engine';
 * import '@bijective/backend-cpu';
 *
 * await useBackend('cpu');
 * const x = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 1);
 * const w = tf.randomNormal([3, 3, 3, 5], 0, 0.1, 'float32', 2);
 * const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(conv2dSame(a as tf.Tensor4D, b as tf.Tensor4D)))([x, w]);
 * console.log(dx?.shape, dw?.shape); // [2, 4, 4, 3] [3, 3, 3, 5]
 * ```
 */
export function conv2dSame(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, ci] = w.shape;
  if (kh !== kw || kh % 2 !== 1 || x.shape[3] !== ci) {
    throw new ShapeError(
      `conv2dSame: needs an odd square kernel [k, k, ${x.shape[3]}, out] for input ${JSON.stringify(x.shape)}, got ${JSON.stringify(w.shape)}`,
    );
  }
  const op = tf.customGrad(((xs: tf.Tensor, ws: tf.Tensor, save: tf.GradSaveFunc) => {
    const xi = xs as tf.Tensor4D;
    const wi = ws as tf.Tensor4D;
    save([xi, wi]);
    return {
      value: tf.conv2d(xi, wi, 1, 'same'),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
        const g = dy as tf.Tensor4D;
        const flipped = tf.transpose(tf.reverse(sw, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
        const dx = tf.conv2d(g, flipped, 1, 'same');
        const dw = filterGradient(sx, g, kh);
        return [dx, dw];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, w) as tf.Tensor4D;
}

/**
 * ∂w `[k, k, ci, co]` of a stride-1 'same' convolution of `x` `[b, h, w, ci]` given ∂y `[b, h, w, co]`.
 * A 1x1 kernel with a wide output is one matMul (∂yᵀ x)ᵀ; otherwise a 'valid' convolution of the
 * padded input with batch and channel axes swapped, whose filter is ∂y: ∂w[i, j, c, o] =
 * Σ_{b,h,w} x̃[b, h + i, w + j, c] ∂y[b, h, w, o]. (XNNPACK's matMul is slow when ∂y is narrow.)
 */
function filterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, k: number): tf.Tensor {
  const [ci, co] = [x.shape[3], dy.shape[3]];
  if (k === 1 && co >= 16) {
    const flatDy = tf.transpose(tf.reshape(dy, [-1, co])) as tf.Tensor2D;
    return tf.reshape(tf.transpose(tf.matMul(flatDy, tf.reshape(x, [-1, ci]) as tf.Tensor2D)), [
      1,
      1,
      ci,
      co,
    ]);
  }
  const p = (k - 1) / 2;
  const padded =
    p > 0
      ? tf.pad(x, [
          [0, 0],
          [p, p],
          [p, p],
          [0, 0],
        ])
      : x;
  const swapped = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D;
  const filter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
  return tf.transpose(tf.conv2d(swapped, filter, 1, 'valid'), [1, 2, 0, 3]);
}
