import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../tfjs/internals.js';

/**
 * A constant matrix kept with its transpose, for products whose gradients need Mᵀ.
 * @internal
 */
export interface ConstantPair {
  /** M. */
  readonly m: tf.Tensor2D;
  /** Mᵀ. */
  readonly t: tf.Tensor2D;
}

/**
 * x M for a constant M, differentiable in x through dx = dy Mᵀ with the stored Mᵀ: a single small
 * matMul each way, instead of a column slice or concat (JavaScript loops on tfjs's wasm backend) or
 * matMul's gradient (transpose flags, slow on wasm).
 */
export function constantProduct(pair: ConstantPair): (x: tf.Tensor2D) => tf.Tensor2D {
  const op = customOp<[tf.Tensor2D]>(([x]) => ({
    value: tf.matMul(x, pair.m),
    gradFunc: (dy) => tf.matMul(dy as tf.Tensor2D, pair.t),
  }));
  return (x) => op(x) as tf.Tensor2D;
}
