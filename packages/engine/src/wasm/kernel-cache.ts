import type * as tf from '@tensorflow/tfjs-core';
import type { SimdRuntime } from './simd-runtime.js';

/** The block of one runtime: where it is, its size, and what it holds (a plan's kernels for θ's data). */
interface Block {
  at: number;
  bytes: number;
  owner: object | null;
  data: readonly object[];
}

const blocks = new WeakMap<SimdRuntime, Block>();

/**
 * A block of `floats` on the runtime's heap for the placed and masked kernels of `owner` (a run's
 * plan) computed from the tensors `thetas`, kept across calls: `fresh` is false when the block
 * already holds them (the same owner and the same tensor data, by tfjs data id: a variable's
 * `assign` gives it a new one), and the caller writes the kernels when it is true. One block per
 * runtime (the last plan and θ written), grown when needed; so inference with fixed θ, and a
 * training step's backward pass after its forward, skip the writes. Allocate it before taking
 * views of the heap (a malloc may grow the memory).
 * @internal
 */
export function kernelBlock(
  rt: SimdRuntime,
  owner: object,
  thetas: readonly tf.TensorInfo[],
  floats: number,
): { at: number; fresh: boolean } {
  const data = thetas.map((t) => t.dataId as object);
  let block = blocks.get(rt);
  if (!block || block.bytes < 4 * floats) {
    if (block) rt.heap.free(block.at);
    const bytes = Math.max(4096, Math.ceil((4 * floats) / 4096) * 4096);
    block = { at: rt.heap.malloc(bytes), bytes, owner: null, data: [] };
    blocks.set(rt, block);
  }
  const same =
    block.owner === owner && block.data.length === data.length && data.every((id, i) => block.data[i] === id);
  block.owner = owner;
  block.data = data;
  return { at: block.at, fresh: !same };
}
