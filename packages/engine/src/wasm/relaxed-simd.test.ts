// The two builds of the engine's wasm kernels on the same inputs: the relaxed-SIMD module (fused
// multiply-adds, one rounding) against the SIMD-128 one (multiply then add) within float32 rounding,
// for every kernel whose products changed: gemm with each epilogue, its 4-column, scalar and row
// tails, row dot products (gemmDot), the ranged (MADE) product, the weight-gradient chunks
// (contractRows) and the MLP kernels' values and gradients through tfjs. Also that the relaxed build
// is the one chosen once the runtime validates it, that the environment's choice is honoured, and
// that the two builds really differ (so these comparisons test something).
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { onHeap } from '@bijective/test-support/wasm-heap';
import '../tfjs/gradients.js';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  ACCUMULATE,
  MASK,
  RELU,
  SLOPE,
  enableRelaxedSimd,
  simdRuntime,
  useWasmSimdVariant,
  wasmSimdVariant,
  type SimdRuntime,
} from './simd-runtime.js';
import { wasmMlpBackward, wasmMlpForward } from './mlp-kernels.js';

let base: SimdRuntime;
let relaxed: SimdRuntime;
beforeAll(async () => {
  // Node 20 keeps relaxed SIMD behind a V8 flag: the documented opt-in turns it on.
  expect(enableRelaxedSimd()).toBe(true);
  await tf.setBackend('wasm');
  const [b, r] = [simdRuntime(tf.backend(), 'simd128'), simdRuntime(tf.backend(), 'relaxed')];
  if (!b || !r) throw new Error('no wasm SIMD runtime');
  [base, relaxed] = [b, r];
});

const values = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(seed + 1.3 * i) + 0.25 * Math.cos(7 * seed + i));

/**
 * Runs `call` (given the runtime and the byte offsets of `inputs` copied onto the heap, then of an
 * output of `outFloats`, prefilled with `prefill`) on both builds; returns both outputs.
 */
function both(
  inputs: Float32Array[],
  outFloats: number,
  prefill: Float32Array | null,
  call: (rt: SimdRuntime, at: number[], out: number) => void,
): [Float32Array, Float32Array] {
  const results = [base, relaxed].map((rt) =>
    onHeap(rt.heap, [...inputs, prefill ?? new Float32Array(outFloats)], (at) =>
      call(rt, at.slice(0, -1), at.at(-1)!),
    ),
  );
  return [results[0]!, results[1]!];
}

/**
 * Asserts the two builds agree within float32 rounding of a K-term sum (|Δ| ≤ 4·K·ε·Σ|terms|,
 * bounded here by `magnitude`), and returns how many entries differ at all.
 */
function expectClose(a: Float32Array, b: Float32Array, K: number, magnitude: number): number {
  const tol = 4 * K * 2 ** -24 * magnitude;
  let differ = 0;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > 0) differ++;
    worst = Math.max(worst, d);
  }
  expect(worst).toBeLessThanOrEqual(tol);
  return differ;
}

describe("the engine's two wasm kernel builds", () => {
  test('the relaxed build runs once the runtime validates it; simd128 when asked', () => {
    expect(wasmSimdVariant()).toBe('relaxed');
    useWasmSimdVariant('simd128');
    expect(wasmSimdVariant()).toBe('simd128');
    useWasmSimdVariant('auto');
    expect(wasmSimdVariant()).toBe('relaxed');
    expect(base.variant).toBe('simd128');
    expect(relaxed.variant).toBe('relaxed');
  });

  test.each([
    { M: 64, N: 64, K: 64, flags: RELU, bias: true },
    { M: 37, N: 13, K: 9, flags: 0, bias: true },
    { M: 5, N: 20, K: 33, flags: ACCUMULATE, bias: false },
    { M: 7, N: 12, K: 16, flags: MASK, bias: false },
    { M: 9, N: 8, K: 40, flags: SLOPE | ACCUMULATE, bias: false },
  ])('gemm agrees within float32 rounding: $M x $N x $K, flags $flags', ({ M, N, K, flags, bias }) => {
    const a = values(M * K, 1);
    const b = values(K * N, 2);
    const biasV = values(N, 3);
    const mask = values(M * N, 4).map((v) => 0.9 * v);
    const prefill = values(M * N, 5);
    // Row-major A, then Aᵀ of a row-major [K, M] (the weight gradient's layout).
    for (const transposed of [false, true]) {
      const [x, y] = both([a, b, biasV, mask], M * N, prefill, (rt, [pa, pb, pbias, pmask], out) =>
        rt.kernels.gemm(
          M,
          N,
          K,
          pa!,
          transposed ? 1 : K,
          transposed ? M : 1,
          pb!,
          N,
          out,
          N,
          bias ? pbias! : 0,
          pmask!,
          flags,
        ),
      );
      expectClose(x, y, K, 2 * K + 4);
    }
  });

  test('the products really fuse: most of a 64-term sum rounds differently', () => {
    const [M, N, K] = [64, 64, 64];
    const [x, y] = both([values(M * K, 11), values(K * N, 12)], M * N, null, (rt, [pa, pb], out) =>
      rt.kernels.gemm(M, N, K, pa!, K, 1, pb!, N, out, N, 0, 0, 0),
    );
    expect(expectClose(x, y, K, 2 * K)).toBeGreaterThan((M * N) / 4);
  });

  test.each([
    { M: 33, N: 2, K: 64 },
    { M: 8, N: 3, K: 13 },
  ])('gemmDot agrees within float32 rounding: $M x $N x $K', ({ M, N, K }) => {
    const [x, y] = both(
      [values(M * K, 6), values(N * K, 7), values(N, 8)],
      M * N,
      null,
      (rt, [pa, pbt, pbias], out) => rt.kernels.gemmDot(M, N, K, pa!, pbt!, out, N, pbias!, 0, 0),
    );
    expectClose(x, y, K, 2 * K + 2);
  });

  test.each([
    { M: 64, N: 64, K: 64 },
    { M: 7, N: 13, K: 9 },
  ])('gemmRanged agrees within float32 rounding: $M x $N x $K', ({ M, N, K }) => {
    // Ranges per column tile (8-, 4- and 1-column tiles): kLo, kHi, mLo, mHi as i32 (bit patterns in floats).
    const tiles = Math.floor(N / 8) + (N % 8 >= 4 ? 1 : 0) + (N % 4);
    const ranges = new Int32Array(4 * tiles);
    for (let q = 0; q < tiles; q++) ranges.set([q % K, K - (q % 3), q % 2, M], 4 * q);
    const rangeFloats = new Float32Array(ranges.buffer);
    const [x, y] = both(
      [values(M * K, 8), values(K * N, 9), values(N, 10), rangeFloats],
      M * N,
      null,
      (rt, [pa, pb, pbias, pr], out) =>
        rt.kernels.gemmRanged(M, N, K, pa!, K, 1, pb!, N, out, N, pbias!, 0, RELU, pr!),
    );
    expectClose(x, y, K, 2 * K + 2);
  });

  test('contractRows (the weight gradient in row chunks) agrees within float32 rounding', () => {
    const [M, N, K] = [64, 64, 1000];
    const [x, y] = both([values(K * M, 13), values(K * N, 14)], M * N, null, (rt, [pa, pb], out) =>
      rt.contractRows(M, N, K, pa!, M, pb!, out),
    );
    expectClose(x, y, K, 2 * K);
  });

  test.each([
    { n: 256, widths: [2, 64, 64, 4] },
    { n: 37, widths: [16, 13, 9, 2] },
  ])('the MLP kernels agree in value and every gradient: n = $n, widths $widths', ({ n, widths }) => {
    const seed = widths.reduce((a, b) => 31 * a + b, n);
    const u = tf.randomNormal([n, widths[0]!], 0, 1, 'float32', seed) as tf.Tensor2D;
    const kernels = widths
      .slice(1)
      .map((m, l) => tf.randomNormal([widths[l]!, m], 0, 0.5, 'float32', seed + l + 1) as tf.Tensor2D);
    const biases = widths
      .slice(1)
      .map((m, l) => tf.randomNormal([m], 0, 0.5, 'float32', seed + 50 + l) as tf.Tensor1D);
    const dRaw = tf.randomNormal([n, widths.at(-1)!], 0, 1, 'float32', seed + 99) as tf.Tensor2D;
    const gu = tf.zeros([n, widths[0]!]) as tf.Tensor2D;
    const run = (variant: 'auto' | 'simd128') => {
      useWasmSimdVariant(variant);
      const outs = wasmMlpForward(u, kernels, biases);
      const g = wasmMlpBackward(dRaw, gu, u, kernels, outs.slice(0, -1));
      const values = [...outs, g.du, ...g.kernels, ...g.biases].map(
        (t) => t.dataSync().slice() as Float32Array,
      );
      tf.dispose([...outs, g.du, ...g.kernels, ...g.biases]);
      return values;
    };
    try {
      const [x, y] = [run('simd128'), run('auto')];
      expect(x.length).toBe(y.length);
      // Relative to each output's scale; sums of up to max(n, width) terms.
      x.forEach((a, i) => {
        const b = y[i]!;
        const magnitude = Math.max(1, ...Array.from(a, Math.abs));
        expectClose(a, b, Math.max(n, ...widths), 4 * magnitude);
      });
    } finally {
      useWasmSimdVariant('auto');
      tf.dispose([u, ...kernels, ...biases, dRaw, gu]);
    }
  });
});
