import * as tf from '@tensorflow/tfjs-core';

/** A constant matrix kept with its transpose, for products whose gradients need Mᵀ. */
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
  return tf.customGrad(((x: tf.Tensor2D) => ({
    value: tf.matMul(x, pair.m),
    gradFunc: (dy: tf.Tensor2D) => tf.matMul(dy, pair.t),
  })) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D) => tf.Tensor2D;
}
