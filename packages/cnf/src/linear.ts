import * as tf from '@tensorflow/tfjs-core';

type Op2 = (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;
type Op3 = (a: tf.Tensor2D, b: tf.Tensor2D, c: tf.Tensor) => tf.Tensor2D;

/**
 * Matrix product a · b whose gradients, at every order, are again products of this op with explicit
 * transposes (da = dy · bᵀ, db = aᵀ · dy): tfjs's own matMul gradient uses the transpose flags,
 * which its wasm backend runs as a plain loop (about 10x slower at 256 x 64 x 64), and a CNF trained
 * through a trace estimator differentiates every product twice.
 * @internal
 */
export const matMul: Op2 = tf.customGrad(((a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [matMul(dy, tf.transpose(sb)), matMul(tf.transpose(sa), dy)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as Op2;

/**
 * The affine map x W + b on a batch `[n, in]` as one fused kernel, with the gradients of
 * {@link matMul} (explicit transposes at every order) and db = Σ_rows dy. `b` is `[out]`.
 * @internal
 */
export const affine: Op3 = tf.customGrad(((
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor,
  save: tf.GradSaveFunc,
) => {
  save([x, w]);
  return {
    value: tf.fused.matMul({ a: x, b: w, bias: b }),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [matMul(dy, tf.transpose(sw)), matMul(tf.transpose(sx), dy), tf.sum(dy, 0)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as Op3;
