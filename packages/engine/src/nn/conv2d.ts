import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@bijective/core';

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
 * and ∂w (with ∂b) one matMul over the pixels with no 4-D transposes, see `filterGradient`. The
 * bias and a ReLU run inside the convolution kernel (tfjs's fused conv2d).
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
        const { dw, db } = filterGradient(sx, g, kh, bi !== undefined);
        return db ? [dx, dw, db] : [dx, dw];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (bias ? op(x, w, bias) : op(x, w)) as tf.Tensor4D;
}

/**
 * A one-hot filter `[k, k, c, k·k·c (+1)]` whose 'same' convolution copies the input's k x k
 * neighbourhood into the channels, (i, j, c) in row-major order: `out[y, x, (i, j, c)] =
 * in[y + s(i), x + s(j), c]` with s(i) = i − p (im2col patches), or p − i when `mirrored`,
 * p = (k − 1) / 2. With `ones`, one more output channel (its filter zero) carries a bias of 1.
 */
function neighbourhoodFilter(k: number, c: number, mirrored: boolean, ones: boolean): tf.Tensor4D {
  const outs = k * k * c + (ones ? 1 : 0);
  const values = new Float32Array(k * k * c * outs);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++)
      for (let ch = 0; ch < c; ch++) {
        const [p, q] = mirrored ? [k - 1 - i, k - 1 - j] : [i, j];
        values[((p * k + q) * c + ch) * outs + (i * k + j) * c + ch] = 1;
      }
  return tf.tensor4d(values, [k, k, c, outs]);
}

/** A bias `[n]` that is 1 in its last channel and 0 elsewhere. */
function onesChannel(n: number): tf.Tensor1D {
  const values = new Float32Array(n);
  values[n - 1] = 1;
  return tf.tensor1d(values);
}

/**
 * ∂w `[k, k, ci, co]` (and ∂b `[co]` with `bias`) of a stride-1 'same' convolution of `x`
 * `[b, h, w, ci]` given ∂y `[b, h, w, co]`, as one matMul over the n = b·h·w pixels whose second
 * factor (the operand XNNPACK packs on every call) is the narrower side, and no 4-D transposes:
 * - co ≤ ci: ∂w[i, j, c, o] = Σ_n x[n, c] D[n, (i, j, o)], D = ∂y's mirrored neighbourhoods (a
 *   one-hot convolution), so ∂w = xᵀ D, reshaped `[ci, k, k, co]` and transposed (small); a row of
 *   ones under xᵀ gives Σ_n ∂y (the centre block) for the bias;
 * - co > ci: ∂w = (∂yᵀ P)ᵀ with P `[n, k·k·ci]` the input's patches (im2col by a one-hot
 *   convolution, whose bias fills a column of ones for ∂b).
 */
function filterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  k: number,
  bias: boolean,
): { dw: tf.Tensor; db?: tf.Tensor } {
  const [ci, co] = [x.shape[3], dy.shape[3]];
  const kk = k * k;
  if (co <= ci) {
    let xt = tf.transpose(tf.reshape(x, [-1, ci])) as tf.Tensor2D;
    if (bias) xt = tf.concat([xt, tf.ones([1, xt.shape[1]])], 0);
    const d =
      k === 1
        ? tf.reshape(dy, [-1, co])
        : tf.reshape(tf.conv2d(dy, neighbourhoodFilter(k, co, true, false), 1, 'same'), [-1, kk * co]);
    const g = tf.matMul(xt, d as tf.Tensor2D);
    const weights = bias ? tf.slice(g, [0, 0], [ci, -1]) : g;
    const dw =
      k === 1
        ? tf.reshape(weights, [1, 1, ci, co])
        : tf.transpose(tf.reshape(weights, [ci, k, k, co]), [1, 2, 0, 3]);
    if (!bias) return { dw };
    const centre = ((k - 1) / 2) * (k + 1) * co;
    return { dw, db: tf.reshape(tf.slice(g, [ci, centre], [1, co]), [co]) };
  }
  const patches =
    k === 1 && !bias
      ? tf.reshape(x, [-1, ci])
      : tf.reshape(
          tf.fused.conv2d({
            x,
            filter: neighbourhoodFilter(k, ci, false, bias),
            strides: 1,
            pad: 'same',
            ...(bias ? { bias: onesChannel(kk * ci + 1) } : {}),
          }),
          [-1, kk * ci + (bias ? 1 : 0)],
        );
  const g = tf.transpose(
    tf.matMul(tf.transpose(tf.reshape(dy, [-1, co])) as tf.Tensor2D, patches as tf.Tensor2D),
  );
  const dw = tf.reshape(bias ? tf.slice(g, [0, 0], [kk * ci, co]) : g, [k, k, ci, co]);
  return bias ? { dw, db: tf.reshape(tf.slice(g, [kk * ci, 0], [1, co]), [co]) } : { dw };
}
