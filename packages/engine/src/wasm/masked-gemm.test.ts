// The wasm SIMD module's ranged product (assembly/masked-gemm.ts) against float64 loops: with B zero
// outside each column's row range it equals the full product on the rows of its m range (tiles of
// rows outside it get the full product or the epilogue of 0), on shapes that end in 8-, 4- and 1-column tiles and in single rows; and the
// kernel gather and scatter against their index loops.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { beforeAll, describe, expect, test } from 'vitest';
import { RELU, simdRuntime, type SimdRuntime } from './simd-runtime.js';

let rt: SimdRuntime;
beforeAll(async () => {
  await tf.setBackend('wasm');
  const runtime = simdRuntime(tf.backend());
  if (!runtime) throw new Error('no wasm SIMD runtime');
  rt = runtime;
});

const values = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(seed + 1.3 * i));

/** gemmRanged's column tiles of n columns: ⌊n/8⌋ of 8, one of 4 when n mod 8 ≥ 4, then single columns. */
function tileWidths(n: number): number[] {
  const w: number[] = [];
  let j = 0;
  for (; j + 8 <= n; j += 8) w.push(8);
  for (; j + 4 <= n; j += 4) w.push(4);
  for (; j < n; j++) w.push(1);
  return w;
}

describe('wasm SIMD ranged product', () => {
  test.each([
    { M: 16, N: 64, K: 16 },
    { M: 7, N: 13, K: 9 },
    { M: 2, N: 20, K: 33 },
    { M: 5, N: 3, K: 4 },
  ])('equals the full product where B is zero outside the ranges: $M x $N x $K', ({ M, N, K }) => {
    // Each tile's k range [lo, hi) and m range; B zero outside the k range of its column's tile.
    const widths = tileWidths(N);
    const ranges = new Int32Array(4 * widths.length);
    const tileOf: number[] = [];
    widths.forEach((w, q) => {
      const lo = q % 3 === 2 ? 0 : Math.floor((q * K) / (widths.length + 1));
      const hi = q % 4 === 3 ? lo : Math.min(K, lo + 1 + ((q * 5) % K));
      const mLo = q % 2 === 1 ? 1 : 0;
      ranges.set([lo, q === 0 ? 1 << 30 : hi, mLo, M - (q % 5 === 4 ? 1 : 0)], 4 * q);
      for (let c = 0; c < w; c++) tileOf.push(q);
    });
    const a = values(M * K, 1);
    const b = values(K * N, 2);
    for (let p = 0; p < K; p++)
      for (let j = 0; j < N; j++) {
        const q = tileOf[j]!;
        if (p < ranges[4 * q]! || p >= Math.min(K, ranges[4 * q + 1]!)) b[p * N + j] = 0;
      }
    const bias = values(N, 3);
    const floats = M * K + K * N + M * N + N + ranges.length;
    const at = rt.heap.malloc(4 * floats);
    try {
      const heap = new Float32Array(rt.heap.memory.buffer, at, floats);
      const [aAt, bAt, cAt, biasAt, rAt] = [
        0,
        M * K,
        M * K + K * N,
        M * K + K * N + M * N,
        floats - ranges.length,
      ];
      heap.set(a, aAt);
      heap.set(b, bAt);
      heap.set(bias, biasAt);
      new Int32Array(rt.heap.memory.buffer, at, floats).set(ranges, rAt);
      rt.kernels.gemmRanged(
        M,
        N,
        K,
        at,
        K,
        1,
        at + 4 * bAt,
        N,
        at + 4 * cAt,
        N,
        at + 4 * biasAt,
        0,
        RELU,
        at + 4 * rAt,
      );
      const c = heap.slice(cAt, cAt + M * N);
      let worst = 0;
      for (let r = 0; r < M; r++)
        for (let j = 0; j < N; j++) {
          const q = tileOf[j]!;
          const inRows = r >= ranges[4 * q + 2]! && r < ranges[4 * q + 3]!;
          let s = 0;
          for (let p = 0; p < K; p++) s += a[r * K + p]! * b[p * N + j]!;
          // Outside the m range a tile of rows may be skipped (the epilogue of 0) or computed.
          const full = Math.abs(c[r * N + j]! - Math.max(0, s + bias[j]!));
          const skipped = Math.abs(c[r * N + j]! - Math.max(0, bias[j]!));
          worst = Math.max(worst, inRows ? full : Math.min(full, skipped));
        }
      expect(worst).toBeLessThan(1e-5);
    } finally {
      rt.heap.free(at);
    }
  });

  test('gatherKernel permutes and masks a kernel; scatterKernel is its adjoint', () => {
    const [rows, cols] = [5, 7];
    const rowOf = [3, 0, 4, 1, 2];
    const colOf = [6, 2, 0, 5, 1, 3, 4];
    const src = values(rows * cols, 4);
    const mask = Float32Array.from({ length: rows * cols }, (_, i) => (i % 3 === 0 ? 0 : 1));
    const floats = 4 * rows * cols + rows + cols;
    const at = rt.heap.malloc(4 * floats);
    try {
      const f = new Float32Array(rt.heap.memory.buffer, at, floats);
      const ints = new Int32Array(rt.heap.memory.buffer, at, floats);
      const [srcAt, maskAt, outAt, backAt, rowAt, colAt] = [0, 1, 2, 3, 4, 4].map(
        (k, i) => k * rows * cols + (i === 5 ? rows : 0),
      ) as [number, number, number, number, number, number];
      f.set(src, srcAt);
      f.set(mask, maskAt);
      ints.set(rowOf, rowAt);
      ints.set(colOf, colAt);
      const p = (i: number) => at + 4 * i;
      rt.kernels.gatherKernel(rows, cols, p(srcAt), p(rowAt), p(colAt), p(maskAt), p(outAt));
      rt.kernels.scatterKernel(rows, cols, p(outAt), p(rowAt), p(colAt), p(maskAt), p(backAt));
      for (let r = 0; r < rows; r++)
        for (let j = 0; j < cols; j++) {
          const k = r * cols + j;
          const from = rowOf[r]! * cols + colOf[j]!;
          expect(f[outAt + k]).toBe(src[from]! * mask[k]!);
          expect(f[backAt + from]).toBe(src[from]! * mask[k]!);
        }
    } finally {
      rt.heap.free(at);
    }
  });
});
