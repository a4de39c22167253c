import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@bijective/core';
import { columnSums } from '../kernels/column-sums.js';

/** Options of {@link conv2dSame}: a per-channel bias and an activation applied in the same kernel. */
export interface Conv2dSameOptions {
  /** b `[out]`, added to every pixel. */
  bias?: tf.Tensor1D;
  /** `relu` or `linear` (the default). */
  activation?: 'relu' | 'linear';
}

/**
 * y = act(conv2d(x, w) + b) with stride 1 and 'same' zero padding (odd square kernels, NHWC), whose gradients
 * run on the fast kernels of every backend (wasm's XNNPACK convolution and matMul; tfjs's wasm
 * backend has no Conv2DBackpropFilter and a slow Conv2DBackpropInput): ∂x = conv2d(∂y, rot180(w)ᵀ)
 * and ∂w a convolution (or matMul) of the input with ∂y, see `filterGradient`. The bias and a ReLU
 * run inside the convolution kernel (tfjs's fused conv2d); ∂b is one host pass over ∂y on cpu and
 * wasm (a wasm sum over leading axes transposes first).
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
export function conv2dSame(x: tf.Tensor4D, w: tf.Tensor4D, options: Conv2dSameOptions = {}): tf.Tensor4D {
  const [kh, kw, ci] = w.shape;
  if (kh !== kw || kh % 2 !== 1 || x.shape[3] !== ci) {
    throw new ShapeError(
      `conv2dSame: needs an odd square kernel [k, k, ${x.shape[3]}, out] for input ${JSON.stringify(x.shape)}, got ${JSON.stringify(w.shape)}`,
    );
  }
  const { bias, activation = 'linear' } = options;
  if (bias && (bias.rank !== 1 || bias.shape[0] !== w.shape[3])) {
    throw new ShapeError(`conv2dSame: the bias must be [${w.shape[3]}], got ${JSON.stringify(bias.shape)}`);
  }
  const relu = activation === 'relu';
  const op = tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [xi, wi, bi] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D | undefined];
    const value =
      bi || relu
        ? tf.fused.conv2d({
            x: xi,
            filter: wi,
            strides: 1,
            pad: 'same',
            ...(bi ? { bias: bi } : {}),
            activation,
          })
        : tf.conv2d(xi, wi, 1, 'same');
    save(relu ? [xi, wi, value] : [xi, wi]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D | undefined];
        const g = (sy ? tf.mul(dy as tf.Tensor, tf.step(sy)) : dy) as tf.Tensor4D;
        const flipped = tf.transpose(tf.reverse(sw, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
        const dx = tf.conv2d(g, flipped, 1, 'same');
        const dw = filterGradient(sx, g, kh);
        if (!bi) return [dx, dw];
        return [dx, dw, columnSums(g)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (bias ? op(x, w, bias) : op(x, w)) as tf.Tensor4D;
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
