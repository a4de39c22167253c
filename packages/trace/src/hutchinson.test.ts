import '@tensorflow/tfjs-backend-cpu';
import '@bijective/engine/gradients';
import * as tf from '@tensorflow/tfjs-core';
import { OptionError } from '@bijective/core';
import { beforeAll, describe, expect, test } from 'vitest';
import type { BatchFunction } from './estimator.js';
import { ExactTrace } from './exact.js';
import { HutchinsonTrace } from './hutchinson.js';

/** The test matrix A (f(z) = z Aᵀ has Jacobian A): non-symmetric, with a non-zero diagonal. */
const A = [
  [2, 1, 0],
  [0.5, -1, 0.3],
  [0.2, 0.1, 3],
];
const trA = 4;
const frobenius2 = A.flat().reduce((s, x) => s + x * x, 0);
const trA2 = A.reduce(
  (s, row, i) => s + row.reduce((t, x, j) => t + x * ((A[j] as number[])[i] as number), 0),
  0,
);
const diagonal2 = A.reduce((s, row, i) => s + (row[i] as number) ** 2, 0);
/** Per-probe variances in theory: Gaussian ‖A‖²_F + tr(A²), Rademacher that minus 2 Σ A_ii². */
const THEORY = { gaussian: frobenius2 + trA2, rademacher: frobenius2 + trA2 - 2 * diagonal2 };

const N = 4000;

/** Mean and variance of N single-probe estimates at one point (the point repeated along the batch). */
function sample(
  estimator: HutchinsonTrace,
  f: BatchFunction,
  point: number[],
  seed: number,
): { mean: number; variance: number } {
  return tf.tidy(() => {
    const z = tf.tile(tf.tensor2d([point]), [N, 1]);
    const probe = estimator.createProbe(z.shape, seed);
    const values = Array.from(estimator.estimate(f, z, probe).trace.dataSync());
    const mean = values.reduce((s, x) => s + x, 0) / N;
    const variance = values.reduce((s, x) => s + (x - mean) ** 2, 0) / (N - 1);
    return { mean, variance };
  });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('HutchinsonTrace', () => {
  test.each(['gaussian', 'rademacher'] as const)(
    '%s: unbiased on a linear field, variance as theory says',
    (distribution) => {
      const matrix = tf.tensor2d(A);
      const linear: BatchFunction = (z) => tf.matMul(z as tf.Tensor2D, matrix, false, true);
      const { mean, variance } = sample(new HutchinsonTrace(distribution), linear, [0.3, -1, 2], 7);
      expect(Math.abs(mean - trA)).toBeLessThan(3 * Math.sqrt(variance / N));
      expect(variance / THEORY[distribution]).toBeGreaterThan(0.85);
      expect(variance / THEORY[distribution]).toBeLessThan(1.15);
      matrix.dispose();
    },
  );

  test('Rademacher has lower variance than Gaussian on the test matrix', () => {
    const matrix = tf.tensor2d(A);
    const linear: BatchFunction = (z) => tf.matMul(z as tf.Tensor2D, matrix, false, true);
    const gaussian = sample(new HutchinsonTrace('gaussian'), linear, [1, 1, 1], 21);
    const rademacher = sample(new HutchinsonTrace('rademacher'), linear, [1, 1, 1], 22);
    expect(THEORY.rademacher).toBeLessThan(THEORY.gaussian);
    expect(rademacher.variance).toBeLessThan(0.5 * gaussian.variance);
    matrix.dispose();
  });

  test.each(['gaussian', 'rademacher'] as const)(
    '%s: unbiased on a nonlinear field (mean within 3 standard errors of the exact trace)',
    (distribution) => {
      const W1 = tf.randomNormal([3, 16], 0, 0.6, 'float32', 31);
      const W2 = tf.randomNormal([16, 3], 0, 0.6, 'float32', 32);
      const f: BatchFunction = (z) => tf.matMul(tf.tanh(tf.matMul(z as tf.Tensor2D, W1)) as tf.Tensor2D, W2);
      const point = [0.5, -0.2, 1.1];
      const z = tf.tensor2d([point]);
      const exact = new ExactTrace().estimate(f, z);
      const expected = exact.trace.dataSync()[0] as number;
      const { mean, variance } = sample(new HutchinsonTrace(distribution), f, point, 41);
      expect(Math.abs(mean - expected)).toBeLessThan(3 * Math.sqrt(variance / N));
      tf.dispose([W1, W2, z, exact.value, exact.trace]);
    },
  );

  test('averaging m probes divides the variance by m and returns f(z) once', () => {
    const matrix = tf.tensor2d(A);
    const linear: BatchFunction = (z) => tf.matMul(z as tf.Tensor2D, matrix, false, true);
    const four = new HutchinsonTrace('gaussian', { probes: 4 });
    const probe = four.createProbe([N, 3], 5);
    expect(probe.shape).toEqual([4, N, 3]);
    const { mean, variance } = sample(four, linear, [1, 2, 3], 5);
    expect(Math.abs(mean - trA)).toBeLessThan(3 * Math.sqrt(variance / N));
    expect(variance / (THEORY.gaussian / 4)).toBeGreaterThan(0.85);
    expect(variance / (THEORY.gaussian / 4)).toBeLessThan(1.15);
    const z = tf.ones([N, 3]);
    const { value, trace } = four.estimate(linear, z, probe);
    expect(value.shape).toEqual([N, 3]);
    expect(trace.shape).toEqual([N]);
    tf.dispose([matrix, probe, z, value, trace]);
  });

  test('probes are reproducible by seed, and a fixed probe gives identical estimates across calls (FFJORD)', () => {
    const rademacher = new HutchinsonTrace('rademacher', { probes: 2 });
    const a = rademacher.createProbe([3, 4], 9);
    const b = rademacher.createProbe([3, 4], 9);
    const c = rademacher.createProbe([3, 4], 10);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    expect(new Set(a.dataSync())).toEqual(new Set([-1, 1]));
    const z = tf.randomNormal([3, 4], 0, 1, 'float32', 1);
    const f: BatchFunction = (x) => tf.sin(x);
    const before = tf.memory().numTensors;
    const first = rademacher.estimate(f, z, a);
    const second = rademacher.estimate(f, z, a);
    expect(Array.from(first.trace.dataSync())).toEqual(Array.from(second.trace.dataSync()));
    tf.dispose([first.value, first.trace, second.value, second.trace]);
    // Without a probe, a fresh one is drawn and freed.
    const fresh = rademacher.estimate(f, z);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([a, b, c, z, fresh.value, fresh.trace]);
  });

  test('frobenius: exact with the basis probes, unbiased with Rademacher probes (same probes as the trace)', () => {
    const matrix = tf.tensor2d(A);
    const linear: BatchFunction = (z) => tf.matMul(z as tf.Tensor2D, matrix, false, true);
    const ones = tf.ones([3, 3]);
    const exact = new ExactTrace().estimate(linear, ones, undefined, { frobenius: true });
    expect(exact.frobenius?.shape).toEqual([3]);
    Array.from(exact.frobenius?.dataSync() ?? []).forEach((v) => expect(v).toBeCloseTo(frobenius2, 4));
    const rademacher = new HutchinsonTrace('rademacher');
    const values = tf.tidy(() => {
      const z = tf.ones([N, 3]);
      const { frobenius } = rademacher.estimate(linear, z, rademacher.createProbe(z.shape, 3), {
        frobenius: true,
      });
      return Array.from((frobenius as tf.Tensor).dataSync());
    });
    const mean = values.reduce((s, x) => s + x, 0) / N;
    const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (N - 1));
    expect(Math.abs(mean - frobenius2)).toBeLessThan(3 * (sd / Math.sqrt(N)));
    const without = rademacher.estimate(linear, ones);
    expect(without.frobenius).toBeUndefined();
    tf.dispose([matrix, ones, exact.value, exact.trace, exact.frobenius, without.value, without.trace]);
  });

  test('rejects bad options with an OptionError naming them', () => {
    expect(() => new HutchinsonTrace('gaussian', { probes: 0 })).toThrow(OptionError);
    expect(() => new HutchinsonTrace('gaussian', { probes: 1.5 })).toThrow(
      /hutchinson-gaussian: probes must be a positive integer, got 1.5/,
    );
    expect(() => new HutchinsonTrace('rademacher', { seed: 3 } as never)).toThrow(
      /unknown option 'seed'; known: probes/,
    );
  });
});

describe('a function that contracts its own probes (valueAndTrace)', () => {
  /** f(z) = z Aᵀ with valueAndTrace computing Σ_j w eⱼᵀ A eⱼ itself (m probes [m, n, 3]). */
  const linear = (calls: string[]): BatchFunction => {
    const a = tf.tensor2d(A);
    const f = (z: tf.Tensor) => tf.matMul(z as tf.Tensor2D, a, false, true);
    return Object.assign(f, {
      valueAndVjp: (z: tf.Tensor, e: tf.Tensor) => {
        calls.push('valueAndVjp');
        return { value: f(z), vjp: tf.matMul(e as tf.Tensor2D, a) };
      },
      valueAndTrace: (z: tf.Tensor, probes: tf.Tensor, weight: number) => {
        calls.push('valueAndTrace');
        const [m, n] = probes.shape as [number, number, number];
        const e = tf.reshape(probes, [m * n, 3]) as tf.Tensor2D;
        const perProbe = tf.reshape(tf.sum(tf.mul(tf.matMul(e, a), e), 1), [m, n]);
        return { value: f(z), trace: tf.mul(tf.sum(perProbe, 0), weight) as tf.Tensor1D };
      },
    });
  };

  test('estimates use it, and the VJPs when the Frobenius norm is asked for; both give the same trace', () => {
    const calls: string[] = [];
    const f = linear(calls);
    const estimator = new HutchinsonTrace('rademacher', { probes: 2 });
    const z = tf.randomNormal([5, 3], 0, 1, 'float32', 1);
    const probe = estimator.createProbe(z.shape, 2);
    const fused = estimator.estimate(f, z, probe);
    const viaVjp = estimator.estimate(f, z, probe, { frobenius: true });
    expect(calls).toEqual(['valueAndTrace', 'valueAndVjp']);
    expect(Array.from(fused.trace.dataSync())).toEqual(Array.from(viaVjp.trace.dataSync()));
    // The exact estimator's basis probes with weight 1 give tr(A) on every row.
    const exact = new ExactTrace().estimate(f, z);
    for (const v of exact.trace.dataSync()) expect(v).toBeCloseTo(trA, 5);
    tf.dispose([
      z,
      probe,
      fused.value,
      fused.trace,
      viaVjp.value,
      viaVjp.trace,
      viaVjp.frobenius!,
      exact.value,
      exact.trace,
    ]);
  });

  test('with the Frobenius norm asked for, valueAndTraceFrobenius is used when offered and agrees with the VJPs', () => {
    const calls: string[] = [];
    const plain = linear(calls);
    const a = tf.tensor2d(A);
    const f = Object.assign(plain, {
      valueAndTraceFrobenius: (z: tf.Tensor, probes: tf.Tensor, weight: number) => {
        calls.push('valueAndTraceFrobenius');
        const [m, n] = probes.shape as [number, number, number];
        const vjp = tf.matMul(tf.reshape(probes, [m * n, 3]) as tf.Tensor2D, a);
        const { value, trace } = plain.valueAndTrace!(z, probes, weight);
        const squares = tf.reshape(tf.sum(tf.square(vjp), 1), [m, n]);
        return { value, trace, frobenius: tf.mul(tf.sum(squares, 0), weight) as tf.Tensor1D };
      },
    });
    const estimator = new HutchinsonTrace('rademacher', { probes: 2 });
    const z = tf.randomNormal([5, 3], 0, 1, 'float32', 1);
    const probe = estimator.createProbe(z.shape, 2);
    const fused = estimator.estimate(f, z, probe, { frobenius: true });
    const viaVjp = estimator.estimate(linear([]), z, probe, { frobenius: true });
    expect(calls).toEqual(['valueAndTraceFrobenius', 'valueAndTrace']);
    expect(fused.frobenius).toBeDefined();
    const close = (x: tf.Tensor, y: tf.Tensor) =>
      Array.from(x.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(y.dataSync()[i] as number, 5));
    close(fused.trace, viaVjp.trace);
    close(fused.frobenius!, viaVjp.frobenius!);
    tf.dispose([
      a,
      z,
      probe,
      fused.value,
      fused.trace,
      fused.frobenius!,
      viaVjp.value,
      viaVjp.trace,
      viaVjp.frobenius!,
    ]);
  });

  test('a wrong trace shape is a ShapeError naming the estimator', () => {
    const f = Object.assign((z: tf.Tensor) => z, {
      valueAndTrace: (z: tf.Tensor) => ({ value: z, trace: tf.zeros([2]) as tf.Tensor1D }),
    });
    const z = tf.zeros([5, 3]);
    expect(() => new HutchinsonTrace('rademacher').estimate(f, z)).toThrow(
      /hutchinson-rademacher: valueAndTrace must return f of z's shape \[5, 3\] and a trace of shape \[5\]/,
    );
    z.dispose();
  });
});
