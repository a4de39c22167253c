import * as tf from '@tensorflow/tfjs-core';
import { simdRuntime, type SimdExports } from '@bijective/engine';

/**
 * C[M, N] (+)= Σ_p A(r, p) B[p, :] (+ bias) inside a host kernel, on float32 views: A(r, p) at
 * element r·rsA + p·csA of `a` (row-major A: rsA = K, csA = 1; Aᵀ of a row-major [K, M]: rsA = 1,
 * csA = M), B row-major `[K, N]`, C row-major `[M, N]`, `bias` `[N]` or null; `accumulate` adds to C.
 * @internal
 */
export type HostGemm = (
  M: number,
  N: number,
  K: number,
  a: Float32Array,
  rsA: number,
  csA: number,
  b: Float32Array,
  c: Float32Array,
  bias: Float32Array | null,
  accumulate: boolean,
) => void;

/** The plain loop (cpu, webgl's read-back buffers): float64 sums, row by row. */
const loopGemm: HostGemm = (M, N, K, a, rsA, csA, b, c, bias, accumulate) => {
  const row = new Float64Array(N);
  for (let r = 0; r < M; r++) {
    if (bias) for (let j = 0; j < N; j++) row[j] = bias[j] as number;
    else row.fill(0);
    for (let p = 0; p < K; p++) {
      const x = a[r * rsA + p * csA] as number;
      if (x === 0) continue;
      const o = p * N;
      for (let j = 0; j < N; j++) row[j] = (row[j] as number) + x * (b[o + j] as number);
    }
    const o = r * N;
    if (accumulate) for (let j = 0; j < N; j++) c[o + j] = (c[o + j] as number) + (row[j] as number);
    else for (let j = 0; j < N; j++) c[o + j] = row[j] as number;
  }
};

/** The engine's wasm SIMD gemm on views of the wasm heap (byte offsets from the views). */
function simdGemm(kernels: SimdExports): HostGemm {
  return (M, N, K, a, rsA, csA, b, c, bias, accumulate) =>
    kernels.gemm(
      M,
      N,
      K,
      a.byteOffset,
      rsA,
      csA,
      b.byteOffset,
      N,
      c.byteOffset,
      N,
      bias ? bias.byteOffset : 0,
      0,
      accumulate ? 1 : 0,
    );
}

/**
 * The gemm for a host kernel whose buffers are `views`: the engine's wasm SIMD kernels when the
 * active backend is wasm with them available and every view lies on its heap, else the plain loop.
 * @internal
 */
export function hostGemm(views: readonly Float32Array[]): HostGemm {
  if (tf.getBackend() !== 'wasm') return loopGemm;
  const runtime = simdRuntime(tf.backend());
  if (runtime === null) return loopGemm;
  const heap = runtime.heap.memory.buffer;
  return views.every((v) => v.buffer === heap) ? simdGemm(runtime.kernels) : loopGemm;
}
