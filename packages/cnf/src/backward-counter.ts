import * as tf from '@tensorflow/tfjs-core';

/**
 * The identity map whose gradient calls `onBackward` each time a backward pass goes through it: placed
 * on a vector field's output, it counts the field evaluations that backpropagation differentiates.
 * @internal
 */
export function countBackward(x: tf.Tensor, onBackward: () => void): tf.Tensor {
  const op = tf.customGrad(((input: tf.Tensor) => ({
    value: tf.clone(input),
    gradFunc: (dy: tf.Tensor) => {
      onBackward();
      return dy;
    },
  })) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (t: tf.Tensor) => tf.Tensor;
  return op(x);
}
