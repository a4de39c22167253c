import * as tf from '@tensorflow/tfjs-core';
import { wasmHeap } from './wasm-heap.js';

/**
 * Copies float32 tensors' values one after another into the flat vector `into` from `offset` (e.g.
 * shared memory that another thread reads) and returns the offset after the last: on tfjs's wasm
 * backend straight from its heap (one copy, no array allocated per tensor as `dataSync` makes),
 * elsewhere through `dataSync`. The tensors must live on the current backend.
 * @internal
 */
export function readInto(tensors: readonly tf.Tensor[], into: Float32Array, offset = 0): number {
  const heap = wasmHeap(tf.backend());
  let at = offset;
  for (const t of tensors) {
    if (heap && t.dtype === 'float32' && t.size > 0)
      into.set(new Float32Array(heap.memory.buffer, heap.offset(t), t.size), at);
    else into.set(t.dataSync(), at);
    at += t.size;
  }
  return at;
}
