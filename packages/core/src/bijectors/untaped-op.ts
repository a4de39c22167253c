import * as tf from '@tensorflow/tfjs-core';

/**
 * `tf.customGrad` of a function of one tensor: one tape entry whose forward runs off the tape (its
 * own kernels are neither recorded nor copied for a backward pass) and whose gradient is `gradFunc`.
 * For fixed maps (nothing to train) whose ∂/∂x is one cheap expression.
 * @internal
 */
export const untapedOp = (
  f: (x: tf.Tensor) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor) => tf.Tensor },
): ((x: tf.Tensor) => tf.Tensor) =>
  tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
    x: tf.Tensor,
  ) => tf.Tensor;
