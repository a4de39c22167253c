// The products of thin layers (a 2-D coupling's 2 → 64, 64 → 2 and their gradients) in both builds of the
// engine's wasm module against a float64 reference: gemm's last rows (M not a multiple of 4) in its
// 32-column tiles and their 8-, 4- and 1-column tails, gemm for K ≤ 2 (16 columns held in registers
// while the rows stream), and gemmDot's four-row blocks and last rows,
// with each epilogue (bias, ReLU, the ReLU mask, accumulate), and the weight gradients in row chunks
// (contractRows) down to a last chunk of one or two rows. Every entry is checked.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { onHeap } from '@bijective/test-support/wasm-heap';
import { beforeAll, describe, expect, test } from 'vitest';
import { ACCUMULATE, MASK, RELU, enableRelaxedSimd, simdRuntime, type SimdRuntime } from './simd-runtime.js';

const runtimes: [string, SimdRuntime][] = [];
beforeAll(async () => {
  enableRelaxedSimd();
  await tf.setBackend('wasm');
  for (const variant of ['simd128', 'relaxed'] as const) {
    const rt = simdRuntime(tf.backend(), variant);
    if (!rt) throw new Error(`no wasm SIMD runtime (${variant})`);
    runtimes.push([variant, rt]);
  }
});

const values = (n: number, seed: number) =>
  Float64Array.from({ length: n }, (_, i) =>
    Math.fround(Math.sin(seed + 1.3 * i) + 0.25 * Math.cos(7 * seed + i)),
  );

/** A [M, K], B [K, N], a bias [N], a mask [M, N] and a prior C [M, N], from seeds `seed`.. `seed` + 4. */
const operands = (M: number, N: number, K: number, seed: number) =>
  [M * K, K * N, N, M * N, M * N].map((n, i) => values(n, seed + i)) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];

/** epilogue(Σ_p A[r, p] B[p, j]) in float64 for A [M, K] and B [K, N] row-major, with gemm's flags. */
function reference(
  M: number,
  N: number,
  K: number,
  a: Float64Array,
  b: Float64Array,
  bias: Float64Array | null,
  mask: Float64Array,
  prior: Float64Array,
  flags: number,
): Float64Array {
  const out = new Float64Array(M * N);
  for (let r = 0; r < M; r++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let p = 0; p < K; p++) s += a[r * K + p]! * b[p * N + j]!;
      if (flags & ACCUMULATE) s += prior[r * N + j]!;
      if (bias) s += bias[j]!;
      if (flags & RELU) s = Math.max(s, 0);
      if (flags & MASK) s = mask[r * N + j]! > 0 ? s : 0;
      out[r * N + j] = s;
    }
  return out;
}

/** Every entry within float32 rounding of a K-term sum of |terms| ≤ `magnitude`. */
function expectNear(got: Float32Array, want: Float64Array, K: number, magnitude: number): void {
  expect(got.length).toBe(want.length);
  const tol = 4 * (K + 2) * 2 ** -24 * magnitude;
  for (let i = 0; i < want.length; i++)
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) expect.fail(`entry ${i}: ${got[i]} against ${want[i]}`);
}

const EPILOGUES = [
  { name: 'bias + ReLU', flags: RELU, bias: true },
  { name: 'ReLU mask', flags: MASK, bias: false },
  { name: 'accumulate', flags: ACCUMULATE, bias: false },
];

describe('thin products against float64', () => {
  test.each([
    ...[1, 2, 3, 6, 7].flatMap((M) =>
      [32, 70, 64].flatMap((N) => EPILOGUES.map((e) => ({ M, N, K: 37, ...e }))),
    ),
    // K ≤ 2 with N a multiple of 16 (gemmShallow), and K = 3 beside it (the tiles).
    ...[5, 256].flatMap((M) =>
      [16, 64].flatMap((N) => [1, 2, 3].flatMap((K) => EPILOGUES.map((e) => ({ M, N, K, ...e })))),
    ),
  ])('gemm, $M x $N x $K, $name', ({ M, N, K, flags, bias }) => {
    const [a, b, bv, mask, prior] = operands(M, N, K, 1);
    const want = reference(M, N, K, a, b, bias ? bv : null, mask, prior, flags);
    for (const [, rt] of runtimes) {
      const got = onHeap(rt.heap, [a, b, bv, mask, prior], ([pa, pb, pbias, pm, pc]) =>
        rt.kernels.gemm(M, N, K, pa!, K, 1, pb!, N, pc!, N, bias ? pbias! : 0, pm!, flags),
      );
      expectNear(got, want, K, 2 * K + 2);
    }
  });

  test.each([
    { M: 64, N: 64, K: 97 },
    { M: 2, N: 64, K: 188 },
  ])(
    'contractRows (weight gradients in row chunks, a last chunk of 1-2 rows), $M x $N over $K rows',
    ({ M, N, K }) => {
      // Aᵀ B for A [K, M] and B [K, N]: chunks of 96 rows (64 + 64 columns) and 186 (2 + 64) leave 1 and 2 rows.
      const [a, b] = [values(K * M, 11), values(K * N, 12)];
      const at = new Float64Array(M * K);
      for (let p = 0; p < K; p++) for (let r = 0; r < M; r++) at[r * K + p] = a[p * M + r]!;
      const none = new Float64Array(M * N);
      const want = reference(M, N, K, at, b, null, none, none, 0);
      for (const [, rt] of runtimes) {
        const got = onHeap(rt.heap, [a, b, new Float64Array(M * N).fill(7)], ([pa, pb, pc]) =>
          rt.contractRows(M, N, K, pa!, M, pb!, pc!),
        );
        expectNear(got, want, K, 2 * K);
      }
    },
  );

  test.each(
    [4, 7, 9, 256].flatMap((M) =>
      [1, 2, 3].flatMap((N) => [3, 13, 64].flatMap((K) => EPILOGUES.map((e) => ({ M, N, K, ...e })))),
    ),
  )('gemmDot, $M x $N x $K, $name', ({ M, N, K, flags, bias }) => {
    const [a, b, bv, mask, prior] = operands(M, N, K, 6);
    const bt = new Float64Array(N * K);
    for (let p = 0; p < K; p++) for (let j = 0; j < N; j++) bt[j * K + p] = b[p * N + j]!;
    const want = reference(M, N, K, a, b, bias ? bv : null, mask, prior, flags);
    for (const [, rt] of runtimes) {
      const got = onHeap(rt.heap, [a, bt, bv, mask, prior], ([pa, pbt, pbias, pm, pc]) =>
        rt.kernels.gemmDot(M, N, K, pa!, pbt!, pc!, N, bias ? pbias! : 0, pm!, flags),
      );
      expectNear(got, want, K, 2 * K + 2);
    }
  });
});
