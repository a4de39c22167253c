// The affine map on the engine's wasm SIMD module (float32 lanes, its own exp and tanh) against the
// transform's host loops (float64 Math.tanh / Math.exp, rounded to float32 at the end): values,
// log-dets and the backward pass for consecutive and gathered columns and every lane tail, both
// directions; the accuracy of s = c·tanh(ŝ/c) and e^s against float64 over ŝ in [-40, 40]; the
// identity at raw = 0 exactly; NaN propagated.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { affineTransform } from '../fused/affine-transform.js';
import type { Direction } from '../fused/elementwise-transform.js';
import { simdRuntime, type SimdRuntime } from './simd-runtime.js';
import { simdTransform, simdTransformGrad, useWasmSimdTransforms } from './simd-transforms.js';

let rt: SimdRuntime;
let block = 0;
const BYTES = 1 << 22;

beforeAll(async () => {
  await tf.setBackend('wasm');
  rt = simdRuntime(tf.backend()) as SimdRuntime;
  block = rt.heap.malloc(BYTES);
});

afterAll(() => rt.heap.free(block));

/** Writes arrays one after another into the test's heap block; returns their byte offsets and a reader. */
function layout(arrays: Float32Array[]): { at: number[]; read: (i: number, size: number) => Float32Array } {
  const at: number[] = [];
  let next = block;
  for (const a of arrays) {
    at.push(next);
    new Float32Array(rt.heap.memory.buffer, next, a.length).set(a);
    next += 4 * a.length + 16;
  }
  expect(next - block).toBeLessThan(BYTES);
  return { at, read: (i, size) => new Float32Array(rt.heap.memory.buffer, at[i], size).slice() };
}

function randoms(size: number, seed: number, scale: number): Float32Array {
  return tf.tidy(() => tf.randomNormal([size], 0, scale, 'float32', seed).dataSync() as Float32Array);
}

/** max |a − b| / max(1, |b|) elementwise. */
function worst(a: Float32Array, b: Float32Array): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return e;
}

interface Case {
  d: number;
  columns: number[];
  bound: number;
}

/** The SIMD kernels and the host loops on the same (u, raw, dValue, dLogDet): the largest relative differences. */
function compare({ d, columns, bound }: Case, direction: Direction, n: number, rawScale: number) {
  const b = columns.length;
  const transform = affineTransform(bound);
  const u = randoms(n * d, 1 + d, 1.5);
  const raw = randoms(n * 2 * b, 2 + b, rawScale);
  // Saturated, tiny and zero log-scales too.
  raw[0] = 40;
  if (raw.length > 1) raw[1] = -40;
  if (raw.length > 2 && b > 2) raw[2] = 1e-4;
  if (raw.length > 3 && b > 3) raw[3] = 0;
  const dValue = randoms(n * d, 3 + d, 1);
  const dLogDet = randoms(n, 4, 1);
  const value = new Float32Array(n * d);
  const logDet = new Float32Array(n);
  transform.host!(direction, columns, [n, d], u, raw, value, logDet);
  const du = new Float32Array(n * d);
  const dRaw = new Float32Array(n * 2 * b);
  const sums = new Float32Array(2 * b);
  transform.hostGrad!(direction, columns, [n, d], u, raw, dValue, dLogDet, du, dRaw, sums);

  const heap = layout([u, raw, dValue, dLogDet, value, logDet, du, dRaw, sums, new Float32Array(d)]);
  const [uAt, rawAt, dvAt, dlAt, valueAt, logDetAt, duAt, dRawAt, sumsAt, colsAt] = heap.at as number[] & {
    length: 10;
  };
  const at = { u: uAt!, raw: rawAt!, columns: colsAt! };
  const spec = transform.simd;
  expect(simdTransform(rt, spec, direction, columns, n, d, at, valueAt!, logDetAt!)).toBe(true);
  expect(
    simdTransformGrad(rt, spec, direction, columns, n, d, at, dvAt!, dlAt!, duAt!, dRawAt!, sumsAt!),
  ).toBe(true);
  return {
    value: worst(heap.read(4, n * d), value),
    logDet: worst(heap.read(5, n), logDet),
    du: worst(heap.read(6, n * d), du),
    dRaw: worst(heap.read(7, n * 2 * b), dRaw),
    // Column sums over n rows: float32 sums against float64 ones.
    sums: worst(heap.read(8, 2 * b), sums),
  };
}

describe('the affine map on the wasm SIMD module', () => {
  test.each<Case>([
    { d: 16, columns: Array.from({ length: 16 }, (_, i) => i), bound: 2 },
    { d: 16, columns: [8, 9, 10, 11, 12, 13, 14, 15], bound: 2 },
    { d: 16, columns: [0, 2, 4, 6, 8, 10, 12, 14], bound: 2 },
    { d: 16, columns: [15, 3, 7, 0, 9, 1, 12, 4, 2, 11, 6, 13, 5, 14, 8, 10], bound: 0.7 },
    { d: 2, columns: [1], bound: 2 },
    { d: 2, columns: [0, 1], bound: 2 },
    { d: 5, columns: [4, 0, 3], bound: 3 },
    { d: 7, columns: [0, 1, 2, 3, 4, 5, 6], bound: 2 },
  ])('matches the host loops: d = $d, columns $columns, bound $bound', (c) => {
    for (const direction of ['forward', 'inverse'] as const) {
      const e = compare(c, direction, 37, 2);
      // Measured: value and ∂L/∂u within 3.8e-7, log-dets 7.2e-7 (float32 sums of 16 terms);
      // ∂L/∂raw within 6.1e-6 and its sums 3.9e-6, relative to max(1, |result|): the inverse's
      // −g (x − t) e^{−s} − ∂L/∂logDet cancels terms up to ~40 (float32 rounding of the terms).
      expect(e.value).toBeLessThan(1e-6);
      expect(e.logDet).toBeLessThan(2e-6);
      expect(e.du).toBeLessThan(1e-6);
      expect(e.dRaw).toBeLessThan(1.5e-5);
      expect(e.sums).toBeLessThan(1.5e-5);
    }
  });

  test('s = c·tanh(ŝ/c) and e^s within a few float32 roundings of float64 over ŝ in [-40, 40]', () => {
    const n = 8001;
    const bound = 2;
    const raw = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) raw[2 * i] = -40 + (80 * i) / (n - 1);
    const heap = layout([
      new Float32Array(n).fill(1),
      raw,
      new Float32Array(n),
      new Float32Array(n),
      new Float32Array(1),
    ]);
    const [uAt, rawAt, valueAt, logDetAt, colsAt] = heap.at as [number, number, number, number, number];
    simdTransform(
      rt,
      { kind: 'affine', bound },
      'forward',
      [0],
      n,
      1,
      { u: uAt, raw: rawAt, columns: colsAt },
      valueAt,
      logDetAt,
    );
    const value = heap.read(2, n);
    const logDet = heap.read(3, n);
    let sError = 0;
    let expError = 0;
    for (let i = 0; i < n; i++) {
      const s = bound * Math.tanh(Math.fround(raw[2 * i]!) / bound);
      sError = Math.max(sError, Math.abs(logDet[i]! - s));
      expError = Math.max(expError, Math.abs(value[i]! - Math.exp(s)) / Math.exp(s));
    }
    // Measured: s within 2.7e-7 absolute (|s| < 2: about one float32 rounding), e^s within 3.1e-7
    // relative (about two float32 roundings).
    expect(sError).toBeLessThan(4e-7);
    expect(expError).toBeLessThan(6e-7);
  });

  test('raw = 0 is the identity exactly, and NaN propagates', () => {
    const n = 5;
    const d = 8;
    const u = randoms(n * d, 9, 1);
    const raw = new Float32Array(n * 2 * d);
    raw[2 * d + 3] = NaN; // row 1, column 3's log-scale
    const heap = layout([u, raw, new Float32Array(n * d), new Float32Array(n), new Float32Array(d)]);
    const [uAt, rawAt, valueAt, logDetAt, colsAt] = heap.at as [number, number, number, number, number];
    const columns = Array.from({ length: d }, (_, i) => i);
    for (const direction of ['forward', 'inverse'] as const) {
      simdTransform(
        rt,
        { kind: 'affine', bound: 2 },
        direction,
        columns,
        n,
        d,
        { u: uAt, raw: rawAt, columns: colsAt },
        valueAt,
        logDetAt,
      );
      const value = heap.read(2, n * d);
      const logDet = heap.read(3, n);
      for (let i = 0; i < n * d; i++) {
        if (i === d + 3) expect(value[i]).toBeNaN();
        else expect(value[i]).toBe(u[i]);
      }
      expect(Array.from(logDet, (v) => v + 0)).toEqual([0, NaN, 0, 0, 0]); // −0 + 0 = 0
    }
  });

  test('reports false (writes nothing) without a SIMD kernel or when switched off', () => {
    const at = { u: block, raw: block, columns: block };
    expect(simdTransform(rt, undefined, 'forward', [0], 1, 1, at, block, 0)).toBe(false);
    useWasmSimdTransforms(false);
    expect(simdTransform(rt, { kind: 'affine', bound: 2 }, 'forward', [0], 1, 1, at, block, 0)).toBe(false);
    useWasmSimdTransforms(true);
  });
});

describe("the affine map's saves for its backward pass", () => {
  test.each<Case>([
    { d: 16, columns: Array.from({ length: 16 }, (_, i) => i), bound: 2 },
    { d: 16, columns: [15, 3, 7, 0, 9, 1, 12, 4, 2, 11, 6, 13, 5, 14, 8, 10], bound: 0.7 },
    { d: 7, columns: [0, 1, 2, 3, 4, 6], bound: 2 },
  ])('d = $d, columns $columns: the same floats as evaluating again, and read', ({ d, columns, bound }) => {
    const n = 37;
    const b = columns.length;
    const spec = affineTransform(bound).simd;
    for (const direction of ['forward', 'inverse'] as const) {
      const raw = randoms(n * 2 * b, 5 + b, 2);
      raw[0] = 40;
      raw[1] = -40;
      const arrays = [randoms(n * d, 6 + d, 1.5), raw, randoms(n * d, 7 + d, 1), randoms(n, 8, 1)];
      const outs = () => [new Float32Array(n * d), new Float32Array(n), new Float32Array(n * d)];
      const more = () => [new Float32Array(n * 2 * b), new Float32Array(2 * b)];
      const heap = layout([
        ...arrays,
        ...outs(),
        ...more(),
        ...outs(),
        ...more(),
        new Float32Array(n * 2 * b),
        new Float32Array(d),
      ]);
      const [uAt, rawAt, dvAt, dlAt, v1, l1, du1, dr1, s1, v2, l2, du2, dr2, s2, savedAt, colsAt] =
        heap.at as number[];
      const at = { u: uAt!, raw: rawAt!, columns: colsAt! };
      simdTransform(rt, spec, direction, columns, n, d, at, v1!, l1!);
      simdTransformGrad(rt, spec, direction, columns, n, d, at, dvAt!, dlAt!, du1!, dr1!, s1!);
      simdTransform(rt, spec, direction, columns, n, d, at, v2!, l2!, savedAt);
      simdTransformGrad(rt, spec, direction, columns, n, d, at, dvAt!, dlAt!, du2!, dr2!, s2!, savedAt);
      const sizes = [n * d, n, n * d, n * 2 * b, 2 * b];
      sizes.forEach((size, i) =>
        expect(Array.from(heap.read(9 + i, size))).toEqual(Array.from(heap.read(4 + i, size))),
      );
      // The saves hold tanh(ŝ/c) in (−1, 1) and e^{±s} > 0, and the backward pass reads them.
      const saved = heap.read(14, n * 2 * b);
      for (let r = 0; r < n; r++)
        for (let k = 0; k < b; k++) {
          expect(Math.abs(saved[r * 2 * b + k]!)).toBeLessThanOrEqual(1);
          expect(saved[r * 2 * b + b + k]!).toBeGreaterThan(0);
        }
      new Float32Array(rt.heap.memory.buffer, savedAt!, n * 2 * b).fill(0.5);
      simdTransformGrad(rt, spec, direction, columns, n, d, at, dvAt!, dlAt!, du2!, dr2!, s2!, savedAt);
      expect(Array.from(heap.read(11, n * d))).not.toEqual(Array.from(heap.read(6, n * d)));
    }
  });
});
