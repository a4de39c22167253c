import type * as tf from '@tensorflow/tfjs-core';

/**
 * What the engine's own wasm kernels need of tfjs's wasm backend (tfjs-backend-wasm 4.22): its
 * emscripten module's memory, heap allocation, and tensor data as byte offsets into that memory.
 * @internal
 */
export interface WasmHeap {
  /** The backend's linear memory (tensor data lives in it). */
  readonly memory: WebAssembly.Memory;
  /** Allocates `bytes` on the backend's heap (tfjs's malloc); returns the byte offset. */
  malloc(bytes: number): number;
  /** Frees what {@link malloc} returned. */
  free(pointer: number): void;
  /** The byte offset of a float32 tensor's data. */
  offset(info: tf.TensorInfo): number;
  /** A new float32 tensor on the backend, allocated and not initialised. */
  makeOutput(shape: number[]): tf.TensorInfo;
}

/** The slice of tfjs's `BackendWasm` (and of its emscripten module) that {@link wasmHeap} reads. */
interface BackendWasmSlice {
  wasm?: {
    asm?: { memory?: unknown };
    wasmExports?: { memory?: unknown };
    wasmMemory?: unknown;
    _malloc?: (bytes: number) => number;
    _free?: (pointer: number) => void;
  } | null;
  getMemoryOffset?: (dataId: object) => number;
  makeOutput?: (shape: number[], dtype: 'float32') => tf.TensorInfo;
}

/**
 * The heap of a tfjs wasm backend, or null when the backend does not expose what this needs (another
 * tfjs version, a disposed backend): callers then keep tfjs's own kernels.
 * @internal
 */
export function wasmHeap(backend: object): WasmHeap | null {
  const b = backend as BackendWasmSlice;
  const module = b.wasm;
  if (!module || typeof b.getMemoryOffset !== 'function' || typeof b.makeOutput !== 'function') return null;
  const memory = module.asm?.memory ?? module.wasmExports?.memory ?? module.wasmMemory;
  const { _malloc: malloc, _free: free } = module;
  if (!(memory instanceof WebAssembly.Memory) || typeof malloc !== 'function' || typeof free !== 'function')
    return null;
  const getOffset = b.getMemoryOffset.bind(b);
  const makeOutput = b.makeOutput.bind(b);
  return {
    memory,
    malloc: (bytes) => malloc(bytes) >>> 0,
    free: (pointer) => free(pointer),
    offset: (info) => getOffset(info.dataId) >>> 0,
    makeOutput: (shape) => makeOutput(shape, 'float32'),
  };
}
