import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs the tfjs kernel `name` on the active backend and returns its outputs, or null where that
 * backend has no such kernel (the caller then falls back to tfjs ops): the one entry point of
 * core's optional fused kernels, which `@bijective/engine` registers for wasm.
 * @internal
 */
export function runRegisteredKernel(
  name: string,
  inputs: tf.NamedTensorMap,
  attrs: tf.NamedAttrMap = {},
): tf.Tensor[] | null {
  if (tf.getKernel(name, tf.getBackend()) === undefined) return null;
  const out = tf.engine().runKernel(name, inputs, attrs) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}
