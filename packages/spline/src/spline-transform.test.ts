// splineTransform: its host kernels against the tfjs-op spline (values, log-dets, autodiff gradients),
// against central differences of its own float64 forward, round trips, knots, ±B, tails, errors, leaks.
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/engine/gradients';
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { OptionError, ShapeError, hostRng } from '@bijective/core';
import { TransformOp, type Direction } from '@bijective/engine';
import { beforeAll, describe, expect, test } from 'vitest';
import { HostSpline } from './host-spline.js';
import { identityDerivativeLogit } from './parameters.js';
import { rationalQuadraticSpline } from './rational-quadratic.js';
import { splineTransform } from './spline-transform.js';

const K = 5;
const B = 2;
const HEADS = 3 * K - 1;
const SETTINGS = { bins: K, bound: B, minBinSize: 1e-3, minDerivative: 1e-3 };
const COLUMNS = [2, 0]; // column 1 is the identity; B in a non-sorted head order
const [N, D, M] = [40, 3, COLUMNS.length];
const transform = splineTransform(SETTINGS);

interface Batch {
  u: number[][];
  raw: number[][];
  dValue: number[][];
  dLogDet: number[];
}

function batch(seed: number, spread = B + 0.5, scale = 1.5): Batch {
  const rng = hostRng(seed);
  const rows = (n: number, cols: number, draw: () => number) =>
    Array.from({ length: n }, () => Array.from({ length: cols }, draw));
  return {
    u: rows(N, D, () => (2 * rng.uniform() - 1) * spread),
    raw: rows(N, HEADS * M, () => scale * rng.normal()),
    dValue: rows(N, D, () => rng.normal()),
    dLogDet: rows(1, N, () => rng.normal())[0] as number[],
  };
}

/** The same map from the tfjs-op spline: column k of B reads raw columns h·|B| + k through constant products. */
function reference(
  direction: Direction,
  u: tf.Tensor2D,
  raw: tf.Tensor2D,
): { value: tf.Tensor; logDet: tf.Tensor } {
  const pick = (rows: number, cols: number, one: (i: number, j: number) => boolean) => {
    const m = tf.buffer([rows, cols]);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (one(i, j)) m.set(1, i, j);
    return m.toTensor() as tf.Tensor2D;
  };
  let value: tf.Tensor = u;
  let logDet: tf.Tensor = tf.zeros([u.shape[0]]);
  COLUMNS.forEach((c, k) => {
    const heads = (from: number, count: number) =>
      tf.matMul(
        raw,
        pick(HEADS * M, count, (i, j) => i === (from + j) * M + k),
      );
    const x = tf.reshape(
      tf.matMul(
        u,
        pick(D, 1, (i) => i === c),
      ),
      [-1],
    );
    const r = rationalQuadraticSpline(
      x,
      heads(0, K),
      heads(K, K),
      tf.add(heads(2 * K, K - 1), identityDerivativeLogit(SETTINGS.minDerivative)),
      { bound: B, inverse: direction === 'inverse' },
    );
    const lift = pick(1, D, (_, j) => j === c);
    value = tf.add(value, tf.matMul(tf.reshape(tf.sub(r.value, x), [-1, 1]), lift));
    logDet = tf.add(logDet, r.logDet);
  });
  return { value, logDet };
}

/** L = Σ dValue ⊙ value + Σ dLogDet ⊙ logDet of a map, as a scalar tensor. */
function loss(b: Batch, r: { value: tf.Tensor; logDet: tf.Tensor | null }): tf.Scalar {
  return tf.add(
    tf.sum(tf.mul(r.value, tf.tensor2d(b.dValue))),
    tf.sum(tf.mul(r.logDet as tf.Tensor, tf.tensor1d(b.dLogDet))),
  );
}

/** The same L from the host spline in float64 (the identity on tails and on columns outside B). */
function hostLoss(direction: Direction, b: Batch, u: number[][], raw: number[][]): number {
  const spline = new HostSpline(SETTINGS);
  let total = 0;
  u.forEach((row, i) => {
    let logDet = 0;
    row.forEach((v, c) => {
      const k = COLUMNS.indexOf(c);
      let value = v;
      if (k >= 0 && spline.inside(v)) {
        spline.load(raw[i] as number[], k, M);
        value = spline.apply(v, direction === 'inverse');
        logDet += spline.logDet;
      }
      total += (b.dValue[i]![c] as number) * value;
    });
    total += (b.dLogDet[i] as number) * logDet;
  });
  return total;
}

const allFinite = (values: ArrayLike<number>) => Array.from(values).every(Number.isFinite);

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const [a, e] = [actual[i] as number, expected[i] as number];
    if (!(Math.abs(a - e) <= tolerance * Math.max(1, Math.abs(e))))
      expect.fail(`entry ${i}: ${a} vs ${e} (tolerance ${tolerance})`);
  }
}

for (const backend of ['cpu', 'wasm']) {
  describe(`splineTransform (${backend})`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
    });

    test.each(['forward', 'inverse'] as const)(
      '%s values and log-dets equal the tfjs-op spline',
      (direction) => {
        const b = batch(1);
        const [actual, expected] = tf.tidy(() => {
          const [u, raw] = [tf.tensor2d(b.u), tf.tensor2d(b.raw)];
          const mine = transform.apply(direction, u, raw, COLUMNS);
          const theirs = reference(direction, u, raw);
          return [mine, theirs].map((r) => [r.value.dataSync(), (r.logDet as tf.Tensor).dataSync()]);
        }) as [Float32Array[], Float32Array[]];
        expectClose(actual[0] as Float32Array, expected[0] as Float32Array, 2e-5);
        expectClose(actual[1] as Float32Array, expected[1] as Float32Array, 2e-4);
      },
    );

    test.each(['forward', 'inverse'] as const)(
      '%s gradients equal tfjs autodiff of the tfjs-op spline, through grad and through a TransformOp on the tape',
      (direction) => {
        const b = batch(2, B + 0.5, 1);
        const op = new TransformOp(transform, D);
        const [viaGrad, viaTape, viaReference, sums] = tf.tidy(() => {
          const [u, raw] = [tf.tensor2d(b.u), tf.tensor2d(b.raw)];
          const g = transform.grad(direction, u, raw, COLUMNS, tf.tensor2d(b.dValue), tf.tensor1d(b.dLogDet));
          const tape = tf.grads((x: tf.Tensor, p: tf.Tensor) =>
            loss(b, op.apply(direction, x as tf.Tensor2D, p as tf.Tensor2D, COLUMNS)),
          )([u, raw]);
          const ref = tf.grads((x: tf.Tensor, p: tf.Tensor) =>
            loss(b, reference(direction, x as tf.Tensor2D, p as tf.Tensor2D)),
          )([u, raw]);
          return [[g.du, g.dRaw], tape, ref, [g.dRawSums, tf.sum(g.dRaw, 0)]].map((ts) =>
            ts.map((t) => t.dataSync()),
          );
        }) as [Float32Array[], Float32Array[], Float32Array[], Float32Array[]];
        op.dispose();
        for (const i of [0, 1]) {
          // The tape's backward reads the forward's float32 cache: equal up to its rounding.
          expectClose(viaGrad[i] as Float32Array, viaTape[i] as Float32Array, 1e-5);
          expectClose(viaGrad[i] as Float32Array, viaReference[i] as Float32Array, 2e-3);
        }
        expectClose(sums[0] as Float32Array, sums[1] as Float32Array, 1e-5);
      },
    );

    test.each(['forward', 'inverse'] as const)(
      '%s gradients equal central differences of the float64 host forward',
      (direction) => {
        const b = batch(3);
        const g = tf.tidy(() => {
          const r = transform.grad(
            direction,
            tf.tensor2d(b.u),
            tf.tensor2d(b.raw),
            COLUMNS,
            tf.tensor2d(b.dValue),
            tf.tensor1d(b.dLogDet),
          );
          return { du: r.du.arraySync(), dRaw: r.dRaw.arraySync() };
        });
        const u = b.u.map((row) => row.map(Math.fround));
        const raw = b.raw.map((row) => row.map(Math.fround));
        const eps = 1e-6;
        const central = (grid: number[][], i: number, j: number) => {
          const at = grid[i]![j] as number;
          grid[i]![j] = at + eps;
          const up = hostLoss(direction, b, u, raw);
          grid[i]![j] = at - eps;
          const down = hostLoss(direction, b, u, raw);
          grid[i]![j] = at;
          return (up - down) / (2 * eps);
        };
        for (let i = 0; i < N; i++) {
          expectClose(
            g.du[i]!,
            u[i]!.map((_, j) => central(u, i, j)),
            1e-4,
          );
          expectClose(
            g.dRaw[i]!,
            raw[i]!.map((_, j) => central(raw, i, j)),
            1e-4,
          );
        }
      },
    );

    test.each(['forward', 'inverse'] as const)(
      '%s gradients from the forward cache equal those recomputed from raw, tails included, without leaks',
      (direction) => {
        const b = batch(7, B + 1, 3);
        const [u, raw, dValue, dLogDet] = [
          tf.tensor2d(b.u),
          tf.tensor2d(b.raw),
          tf.tensor2d(b.dValue),
          tf.tensor1d(b.dLogDet),
        ];
        const before = tf.memory().numTensors;
        const plain = transform.apply(direction, u, raw, COLUMNS);
        const cached = transform.apply(direction, u, raw, COLUMNS, true);
        expect(plain.cache).toBeUndefined();
        expect(cached.cache?.shape).toEqual([N, (2 * K + 7) * M]);
        expectClose(cached.value.dataSync(), plain.value.dataSync(), 0);
        expectClose((cached.logDet as tf.Tensor).dataSync(), (plain.logDet as tf.Tensor).dataSync(), 0);
        for (const gl of [dLogDet, null]) {
          const recomputed = transform.grad(direction, u, raw, COLUMNS, dValue, gl);
          const fromCache = transform.grad(direction, u, raw, COLUMNS, dValue, gl, cached.cache);
          for (const key of ['du', 'dRaw', 'dRawSums'] as const)
            expectClose(fromCache[key].dataSync(), recomputed[key].dataSync(), 1e-5);
          tf.dispose([recomputed.du, recomputed.dRaw, recomputed.dRawSums]);
          tf.dispose([fromCache.du, fromCache.dRaw, fromCache.dRawSums]);
        }
        expect(() => transform.grad(direction, u, raw, COLUMNS, dValue, dLogDet, raw)).toThrow(ShapeError);
        tf.dispose([plain.value, plain.logDet as tf.Tensor, cached.value, cached.logDet as tf.Tensor]);
        tf.dispose(cached.cache as tf.Tensor);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([u, raw, dValue, dLogDet]);
      },
    );

    test('the inverse undoes the forward, with the negative log-det; raw = 0 is the identity', () => {
      const b = batch(4, B + 1, 3);
      const [u, back, forwardLogDet, backLogDet, identity] = tf.tidy(() => {
        const [x, raw] = [tf.tensor2d(b.u), tf.tensor2d(b.raw)];
        const y = transform.apply('forward', x, raw, COLUMNS);
        const z = transform.apply('inverse', y.value, raw, COLUMNS);
        const id = transform.apply('forward', x, tf.zerosLike(raw), COLUMNS);
        const gap = tf.max(tf.abs(tf.sub(id.value, x)));
        return [x, z.value, y.logDet, z.logDet, tf.stack([gap, tf.max(tf.abs(id.logDet as tf.Tensor))])].map(
          (t) => (t as tf.Tensor).dataSync(),
        );
      }) as Float32Array[];
      // float32 rounding of y is amplified by the inverse's slope 1/g' on steep bins.
      for (let i = 0; i < N; i++) {
        const slack = 2e-5 * Math.max(1, Math.exp(-(forwardLogDet![i] as number)));
        for (let c = 0; c < D; c++) expect(Math.abs(back![i * D + c]! - u![i * D + c]!)).toBeLessThan(slack);
        expect(Math.abs(backLogDet![i]! + forwardLogDet![i]!)).toBeLessThan(1e-3 * Math.max(1, slack * 1e5));
      }
      expect(identity![0]).toBeLessThan(1e-5);
      expect(identity![1]).toBeLessThan(1e-5);
    });

    test('inputs at every knot, at ±B and in the tails are finite both ways, with finite gradients', () => {
      const b = batch(5, B, 4);
      const spline = new HostSpline(SETTINGS);
      const u = b.u.map((row, i) =>
        row.map((v, c) => {
          const k = COLUMNS.indexOf(c);
          if (k < 0) return v;
          spline.load(b.raw[i] as number[], k, M);
          const knots = [...spline.xs.left, B, -B, ...spline.ys.left, 7, -1e6, B + 1e-3];
          return knots[(i + k) % knots.length] as number;
        }),
      );
      for (const direction of ['forward', 'inverse'] as const) {
        const out = tf.tidy(() => {
          const [x, raw] = [tf.tensor2d(u), tf.tensor2d(b.raw)];
          const r = transform.apply(direction, x, raw, COLUMNS);
          const g = transform.grad(direction, x, raw, COLUMNS, tf.onesLike(x), tf.ones([N]));
          return [r.value, r.logDet as tf.Tensor, g.du, g.dRaw].map((t) => t.dataSync());
        });
        for (const values of out) expect(allFinite(values)).toBe(true);
      }
      const tails = tf.tidy(() => {
        const x = tf.tensor2d(u.map((row) => row.map((v, c) => (c === 1 ? v : (v >= 0 ? 1 : -1) * (B + 1)))));
        const raw = tf.tensor2d(b.raw);
        const r = transform.apply('inverse', x, raw, COLUMNS);
        const g = transform.grad('inverse', x, raw, COLUMNS, tf.onesLike(x), tf.ones([N]));
        return [tf.sub(r.value, x), r.logDet as tf.Tensor, tf.sub(g.du, 1), g.dRaw].map((t) => t.dataSync());
      });
      for (const values of tails) expect(Array.from(values).every((v) => v === 0)).toBe(true);
    });

    test('bad options and shapes throw named errors, and nothing leaks', () => {
      expect(() => splineTransform({ bins: 1 })).toThrow(OptionError);
      expect(() => splineTransform({ bound: 0 })).toThrow(OptionError);
      expect(() => splineTransform({ bins: 5, minBinSize: 0.2 })).toThrow(/minBinSize/);
      expect(() => splineTransform({ minDerivative: 0 })).toThrow(OptionError);
      expect(() => splineTransform({ minDerivative: 1 })).toThrow(/minDerivative/);
      const b = batch(6);
      const [u, raw] = [tf.tensor2d(b.u), tf.tensor2d(b.raw)];
      expect(() => transform.apply('forward', u, raw, [0])).toThrow(ShapeError);
      expect(() => transform.apply('forward', u, raw, [0, 0])).toThrow(/distinct/);
      expect(() => transform.apply('forward', u, raw, [0, 3])).toThrow(ShapeError);
      const op = new TransformOp(transform, D);
      const before = tf.memory().numTensors;
      const r = transform.apply('inverse', u, raw, COLUMNS);
      expect(tf.memory().numTensors).toBe(before + 2);
      const g = transform.grad('forward', u, raw, COLUMNS, u, null);
      expect(tf.memory().numTensors).toBe(before + 5);
      const tape = tf.grads((x: tf.Tensor, p: tf.Tensor) =>
        tf.sum(op.apply('forward', x as tf.Tensor2D, p as tf.Tensor2D, COLUMNS).value),
      )([u, raw]);
      expect(tf.memory().numTensors).toBe(before + 7);
      tf.dispose([u, raw, r.value, r.logDet as tf.Tensor, g.du, g.dRaw, g.dRawSums, ...tape]);
      op.dispose();
    });
  });
}
