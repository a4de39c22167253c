// The row-vectorised affine map (assembly/affine-rows.ts, fewer than four columns) against the
// column-vectorised one (affine-kernels.ts's affineMap) on the same buffers: values and log-dets bit
// for bit, both directions, consecutive and gathered columns, every row tail, clamped scales and
// NaN; simdTransform's results with it on and off.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { simdRuntime, type SimdRuntime } from './simd-runtime.js';
import { simdTransform, useWasmRowMaps } from './simd-transforms.js';

let rt: SimdRuntime;
let block = 0;
const BYTES = 1 << 20;

beforeAll(async () => {
  await tf.setBackend('wasm');
  rt = simdRuntime(tf.backend()) as SimdRuntime;
  block = rt.heap.malloc(BYTES);
});

afterAll(() => rt.heap.free(block));

/** Seeded values in [-scale, scale), none exactly 0. */
function values(n: number, seed: number, scale: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return ((s + 0.5) / 2 ** 32 - 0.5) * 2 * scale;
  });
}

/** Both kernels on (u, raw) for `columns` of d: [value, logDet] of each. */
function both(n: number, d: number, columns: number[], inverse: number, rawScale: number) {
  const b = columns.length;
  const f = () => new Float32Array(rt.heap.memory.buffer);
  const u = block;
  const raw = u + 4 * n * d + 64;
  const cols = raw + 4 * n * 2 * b + 64;
  const outs = [cols + 64, 0, 0, 0].map((_, i, a) => (i === 0 ? a[0]! : 0));
  outs[1] = outs[0]! + 4 * n * d + 64;
  outs[2] = outs[1] + 4 * n + 64;
  outs[3] = outs[2] + 4 * n * d + 64;
  expect(outs[3] + 4 * n - block).toBeLessThan(BYTES);
  f().set(values(n * d, 3 + d, 2), u >>> 2);
  const r = values(n * 2 * b, 7 + b, rawScale);
  if (n > 2) r[2 * b] = Number.NaN; // row 1's first ŝ
  f().set(r, raw >>> 2);
  new Int32Array(rt.heap.memory.buffer, cols, b).set(columns);
  const first = columns.every((c, k) => c === columns[0]! + k) ? columns[0]! : -1;
  rt.kernels.affineMap(n, d, b, cols, first, u, raw, outs[0]!, outs[1], 1.7, inverse, 1);
  rt.kernels.affineMapRows(n, d, b, cols, u, raw, outs[2], outs[3], 1.7, inverse, 1);
  const read = (at: number, size: number) => new Float32Array(rt.heap.memory.buffer, at, size).slice();
  return {
    columnwise: [read(outs[0]!, n * d), read(outs[1], n)],
    rowwise: [read(outs[2], n * d), read(outs[3], n)],
  };
}

describe('affine map, four rows per vector (fewer than four columns)', () => {
  const cases: [number, number[]][] = [
    [2, [1]],
    [2, [0]],
    [3, [0, 2]],
    [3, [1, 2]],
    [5, [4, 1, 2]],
  ];
  for (const [d, columns] of cases)
    for (const inverse of [0, 1])
      test(`d ${d}, columns [${columns.join(', ')}], ${inverse ? 'inverse' : 'forward'}: the column-vectorised map's results bit for bit`, () => {
        for (const n of [1, 2, 3, 4, 5, 7, 256])
          for (const rawScale of [0.5, 40]) {
            const { columnwise, rowwise } = both(n, d, columns, inverse, rawScale);
            expect(rowwise[0]).toEqual(columnwise[0]);
            expect(rowwise[1]).toEqual(columnwise[1]);
          }
      });

  for (const [d, columns] of cases)
    for (const inverse of [0, 1])
      test(`d ${d}, columns [${columns.join(', ')}], ${inverse ? 'inverse' : 'forward'} backward pass: the column-vectorised one's bit for bit`, () => {
        for (const n of [1, 3, 4, 6, 256])
          for (const withLogDet of [true, false]) {
            const b = columns.length;
            const at: number[] = [];
            let next = block;
            const put = (a: Float32Array | number) => {
              at.push(next);
              const size = typeof a === 'number' ? a : a.length;
              if (typeof a !== 'number') new Float32Array(rt.heap.memory.buffer, next, size).set(a);
              next += 4 * size + 64;
            };
            const raw = values(n * 2 * b, 11 + b, 3);
            if (n > 1) raw[2 * b + 1] = 40; // a clamped scale
            [values(n * d, 5, 2), raw, values(n * d, 6, 1), values(n, 9, 1)].forEach(put);
            put(b); // columns
            new Int32Array(rt.heap.memory.buffer, at[4]!, b).set(columns);
            // Outputs of each kernel: du [n, d], dRaw [n, 2b], dRawSums [2b].
            for (const size of [n * d, n * 2 * b, 2 * b, n * d, n * 2 * b, 2 * b]) put(size);
            expect(next - block).toBeLessThan(BYTES);
            const [u, rawAt, dValue, dLogDet, cols] = at as [number, number, number, number, number];
            const first = columns.every((c, k) => c === columns[0]! + k) ? columns[0]! : -1;
            const dl = withLogDet ? dLogDet : 0;
            rt.kernels.affineMapGrad(
              n,
              d,
              b,
              cols,
              first,
              u,
              rawAt,
              dValue,
              dl,
              at[5]!,
              at[6]!,
              at[7]!,
              1.7,
              inverse,
              1,
            );
            rt.kernels.affineMapGradRows(
              n,
              d,
              b,
              cols,
              u,
              rawAt,
              dValue,
              dl,
              at[8]!,
              at[9]!,
              at[10]!,
              1.7,
              inverse,
              1,
            );
            const read = (i: number, size: number) =>
              new Float32Array(rt.heap.memory.buffer, at[i], size).slice();
            expect(read(8, n * d)).toEqual(read(5, n * d));
            expect(read(9, n * 2 * b)).toEqual(read(6, n * 2 * b));
            expect(read(10, 2 * b)).toEqual(read(7, 2 * b));
          }
      });

  test('simdTransform gives the same values with the row maps on and off', () => {
    const n = 9;
    const d = 2;
    const f = () => new Float32Array(rt.heap.memory.buffer);
    const u = block;
    const raw = u + 4 * n * d;
    const columnsAt = raw + 4 * n * 2;
    const value = columnsAt + 64;
    f().set(values(n * d, 1, 1), u >>> 2);
    f().set(values(n * 2, 2, 1), raw >>> 2);
    const run = () => {
      f().fill(Number.NaN, value >>> 2, (value >>> 2) + n * d);
      const ran = simdTransform(
        rt,
        { kind: 'affine', bound: 2 },
        'forward',
        [1],
        n,
        d,
        { u, raw, columns: columnsAt },
        value,
        0,
      );
      expect(ran).toBe(true);
      return new Float32Array(rt.heap.memory.buffer, value, n * d).slice();
    };
    const rowwise = run();
    useWasmRowMaps(false);
    try {
      expect(run()).toEqual(rowwise);
    } finally {
      useWasmRowMaps(true);
    }
    expect(rowwise.every(Number.isFinite)).toBe(true);
  });
});
