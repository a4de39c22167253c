import * as tf from '@tensorflow/tfjs-core';

/** Backends whose buffers a host kernel reads and writes in place (no read-back), so fusing pays. */
const IN_PLACE = new Set(['cpu', 'wasm']);

/**
 * Whether the glow layers run their fused host kernels on the current backend: cpu and wasm, where
 * a host kernel works on the backend's own buffers; elsewhere (webgl, webgpu) the same layers run
 * as plain tfjs ops, which stay on the device. @internal
 */
export function useHostKernels(): boolean {
  return !plainOps && IN_PLACE.has(tf.getBackend());
}

let plainOps = false;

/** Runs `fn` with the glow layers on plain tfjs ops on every backend (tests compare both paths). @internal */
export function withoutHostKernels<T>(fn: () => T): T {
  plainOps = true;
  try {
    return fn();
  } finally {
    plainOps = false;
  }
}

/** `[pixels, channels]` of an NHWC shape, and the pixels per batch row. @internal */
export function pixelLayout(shape: readonly number[]): { pixels: number; perRow: number; channels: number } {
  const [b, h, w, c] = shape as [number, number, number, number];
  return { pixels: b * h * w, perRow: h * w, channels: c };
}
