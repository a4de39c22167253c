import * as tf from '@tensorflow/tfjs-core';

/** The engine internals a shared copy reads: tensors' backends by data id, and the tensor factory. */
interface SharingEngine {
  state?: { tensorInfo?: Map<object, { backend?: unknown }> };
  makeTensorFromDataId?(dataId: object, shape: number[], dtype: tf.DataType, backend?: unknown): tf.Tensor;
}

/**
 * A new tensor on the same data as `t` (its backend's reference count raised, no bytes copied), or
 * `tf.clone(t)` where that cannot be done. A copy of a variable's value for later restoring: tfjs
 * never writes a tensor's data in place (a variable's `assign` points it at new data), so the data
 * stays as it was while the copy holds it. On wasm `tf.clone` copies the bytes in a kernel of its
 * own (tfjs's `Identity`); a weight snapshot per training step (the divergence guard's, the best
 * validation weights) then costs a kernel and a copy per variable.
 * @internal
 */
export function sharedCopy<T extends tf.Tensor>(t: T): T {
  const engine = tf.engine() as unknown as SharingEngine;
  const backend = engine.state?.tensorInfo?.get(t.dataId)?.backend as
    { incRef?: (dataId: object) => void } | undefined;
  if (
    backend === undefined ||
    backend !== tf.backend() ||
    typeof backend.incRef !== 'function' ||
    typeof engine.makeTensorFromDataId !== 'function'
  )
    return tf.clone(t);
  try {
    backend.incRef(t.dataId);
  } catch {
    return tf.clone(t); // a backend without reference counts (tfjs's base class throws)
  }
  return engine.makeTensorFromDataId(t.dataId, [...t.shape], t.dtype, backend) as T;
}
