import * as tf from '@tensorflow/tfjs-core';

/**
 * Writes a shard's loss and gradients into a thread's output: the loss, then each variable's
 * gradient flattened in `variables` order (zeros for a variable the loss does not reach).
 * @internal
 */
export function writeShard(
  output: Float32Array,
  value: tf.Scalar,
  grads: tf.NamedTensorMap,
  variables: readonly tf.Variable[],
): void {
  output[0] = value.dataSync()[0] as number;
  let offset = 1;
  for (const v of variables) {
    const g = grads[v.name];
    if (g) output.set(g.dataSync() as Float32Array, offset);
    else output.fill(0, offset, offset + v.size);
    offset += v.size;
  }
}

/**
 * The all-reduce of a data-parallel step, run identically by every thread: the loss and the
 * gradients averaged over the threads' `outputs` weighted by their shares of the minibatch,
 * Σ_k share_k · output_k, summed in thread order in float32 (so every thread gets the same bits),
 * as tensors keyed by `variables`' names (the caller's tidy frees them).
 * @internal
 */
export function reduceShards(
  outputs: readonly Float32Array[],
  shares: readonly number[],
  variables: readonly tf.Variable[],
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  let loss = 0;
  const total = variables.reduce((n, v) => n + v.size, 0);
  const sum = new Float32Array(total);
  outputs.forEach((output, k) => {
    const share = shares[k] as number;
    if (share === 0) return;
    loss += (output[0] as number) * share;
    for (let i = 0; i < total; i++) sum[i] = (sum[i] as number) + (output[i + 1] as number) * share;
  });
  const grads: tf.NamedTensorMap = {};
  let offset = 0;
  for (const v of variables) {
    grads[v.name] = tf.tensor(sum.subarray(offset, offset + v.size), v.shape, 'float32');
    offset += v.size;
  }
  return { value: tf.scalar(loss), grads };
}
