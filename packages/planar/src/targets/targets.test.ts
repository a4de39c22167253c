import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  OptionError,
  ShapeError,
  create,
  createByName,
  hostRng,
  listRegistered,
  register,
  type Target,
} from '@bijective/core';
import '../index.js';
import { DensityTarget } from './density-target.js';
import { logIntegral } from './quadrature.js';
import { targetLogDensityInBatches } from './evaluate.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// U1–U4 of Rezende & Mohamed (2015, Table 1) in float64, written from the paper independently of
// the tfjs expressions, with the soft wall ½(z1/4)⁸ on U2–U4.
const w1 = (z1: number) => Math.sin((2 * Math.PI * z1) / 4);
const w2 = (z1: number) => 3 * Math.exp(-0.5 * ((z1 - 1) / 0.6) ** 2);
const w3 = (z1: number) => 3 / (1 + Math.exp(-(z1 - 1) / 0.3));
const wall = (z1: number) => 0.5 * (z1 / 4) ** 8;
const REFERENCE: Record<string, (z1: number, z2: number) => number> = {
  u1: (z1, z2) =>
    0.5 * ((Math.hypot(z1, z2) - 2) / 0.4) ** 2 -
    Math.log(Math.exp(-0.5 * ((z1 - 2) / 0.6) ** 2) + Math.exp(-0.5 * ((z1 + 2) / 0.6) ** 2)),
  u2: (z1, z2) => 0.5 * ((z2 - w1(z1)) / 0.4) ** 2 + wall(z1),
  u3: (z1, z2) =>
    -Math.log(
      Math.exp(-0.5 * ((z2 - w1(z1)) / 0.35) ** 2) + Math.exp(-0.5 * ((z2 - w1(z1) + w2(z1)) / 0.35) ** 2),
    ) + wall(z1),
  u4: (z1, z2) =>
    -Math.log(
      Math.exp(-0.5 * ((z2 - w1(z1)) / 0.4) ** 2) + Math.exp(-0.5 * ((z2 - w1(z1) + w3(z1)) / 0.35) ** 2),
    ) + wall(z1),
};

/** log ∫ exp(−U) by the float64 trapezoid rule on [−10, 10]² with 1000 cells per axis (a wider box, another rule, finer cells). */
function referenceLogZ(u: (z1: number, z2: number) => number): number {
  const cells = 1000;
  const h = 20 / cells;
  let sum = 0;
  for (let i = 0; i <= cells; i++) {
    for (let j = 0; j <= cells; j++) {
      const weight = (i === 0 || i === cells ? 0.5 : 1) * (j === 0 || j === cells ? 0.5 : 1);
      sum += weight * Math.exp(-u(-10 + i * h, -10 + j * h));
    }
  }
  return Math.log(sum * h * h);
}

describe('U1–U4', () => {
  test('log p̃ = −U matches the float64 formulas of the paper, and calls leave no tensor behind', () => {
    const rng = hostRng(1);
    const points = Array.from({ length: 200 }, () => [6 * rng.uniform() - 3, 6 * rng.uniform() - 3]);
    for (const name of ['u1', 'u2', 'u3', 'u4'] as const) {
      const target = create('target', name, {});
      const x = tf.tensor2d(points);
      const before = tf.memory().numTensors;
      const logP = target.logDensity(x);
      expect(tf.memory().numTensors).toBe(before + 1);
      Array.from(logP.dataSync()).forEach((v, i) => {
        const expected = -REFERENCE[name]!(points[i]![0]!, points[i]![1]!);
        expect(Math.abs(v - expected)).toBeLessThan(2e-5 * (1 + Math.abs(expected)));
      });
      tf.dispose([x, logP]);
    }
  });

  test('log Z by quadrature agrees with an independent float64 trapezoid rule on a wider box', () => {
    for (const name of ['u1', 'u2', 'u3', 'u4'] as const) {
      const logZ = create('target', name, {}).logNormalizer as number;
      expect(Math.abs(logZ - referenceLogZ(REFERENCE[name]!))).toBeLessThan(1e-5);
    }
    // The figure quoted for U1 on [−5, 5]² (Rezende & Mohamed's U1 needs no wall).
    expect(create('target', 'u1', {}).logNormalizer).toBeCloseTo(1.8775, 4);
  });

  test('configs rebuild the target; bad options and inputs are named', () => {
    const u2 = create('target', 'u2', {});
    expect(u2.getConfig()).toEqual({ name: 'u2', options: {} });
    expect(u2.bounds).toEqual([
      [-4, 4],
      [-4, 4],
    ]);
    expect(() => createByName('target', 'u2', { wall: false })).toThrow(OptionError);
    expect(() => u2.logDensity(tf.zeros([3, 3]))).toThrow(ShapeError);
    expect(() => u2.logDensity(tf.zeros([3, 3]))).toThrow(/u2 logDensity input: expected shape \[batch, 2\]/);
    expect(() => createByName('target', 'u5', {})).toThrow(/unknown target 'u5'; known: .*banana.*u4/);
  });
});

describe('banana and funnel', () => {
  test('the banana is normalised (log Z = 0 by quadrature) in 2-D and matches its formula in 5-D', () => {
    const banana = create('target', 'banana', { curvature: 0.1, scale: 2 });
    expect(banana.logNormalizer).toBe(0);
    const logZ = logIntegral(
      (x) => banana.logDensity(x),
      [
        [-14, 14],
        [-10, 22],
      ],
      700,
    );
    expect(Math.abs(logZ)).toBeLessThan(1e-5);
    const five = create('target', 'banana', { dimension: 5 });
    expect(five.getConfig()).toEqual({
      name: 'banana',
      options: { dimension: 5, curvature: 0.03, scale: 10 },
    });
    const x = [3, 1, 0.5, -1, 2];
    const t = x[1]! - 0.03 * (x[0]! ** 2 - 100);
    const expected =
      -0.5 * (x[0]! / 10) ** 2 -
      0.5 * t * t -
      0.5 * (0.25 + 1 + 4) -
      2.5 * Math.log(2 * Math.PI) -
      Math.log(10);
    expect(five.logDensity(tf.tensor2d([x])).dataSync()[0]).toBeCloseTo(expected, 4);
    expect(() => create('target', 'banana', { dimension: 1 })).toThrow(/'dimension' must be an integer >= 2/);
  });

  test('the funnel is log N(v; 0, σ²) + Σ log N(xᵢ; 0, eᵛ), and its conditionals are normalised', () => {
    const funnel = create('target', 'funnel', { dimension: 4 });
    const rows = [
      [0, 0.5, -1, 2],
      [-4, 0.01, 0.1, -0.05],
      [5, 10, -20, 3],
    ];
    const got = funnel.logDensity(tf.tensor2d(rows)).dataSync();
    const logNormal = (v: number, variance: number) =>
      (-0.5 * (v * v)) / variance - 0.5 * Math.log(2 * Math.PI * variance);
    rows.forEach(([v, ...xs], i) => {
      const expected = logNormal(v!, 9) + xs.reduce((s, xi) => s + logNormal(xi, Math.exp(v!)), 0);
      expect(got[i]).toBeCloseTo(expected, 3);
    });
    // In 2-D, ∫ p(v, x) dx over a slab around v = 0.7 equals the N(0, 9) mass of the slab.
    const two = create('target', 'funnel', { dimension: 2 });
    const slab = logIntegral(
      (x) => two.logDensity(x),
      [
        [0.6, 0.8],
        [-30, 30],
      ],
      600,
    );
    // The same midpoint rule along v, in float64: only the x-integral differs.
    let mass = 0;
    for (let i = 0; i < 600; i++) mass += Math.exp(logNormal(0.6 + ((i + 0.5) * 0.2) / 600, 9)) * (0.2 / 600);
    const expected = Math.log(mass);
    expect(Math.abs(slab - expected)).toBeLessThan(1e-4);
  });
});

describe('third-party targets', () => {
  test('a plugin registers a target through the same call and it builds by name', () => {
    register(
      'target',
      'test/ring' as never,
      {
        description: 'a ring of radius 2',
        create: () =>
          new DensityTarget({
            name: 'test/ring',
            eventShape: [2],
            options: {},
            logNormalizer: null,
            logDensity: (x) => tf.mul(-8, tf.square(tf.sub(tf.norm(x, 'euclidean', 1), 2))),
          }),
      },
      { replace: true },
    );
    expect(listRegistered('target').map((l) => l.name)).toContain('test/ring');
    const ring: Target = createByName('target', 'test/ring', {});
    const logP = Array.from(
      ring
        .logDensity(
          tf.tensor2d([
            [2, 0],
            [0, 0],
          ]),
        )
        .dataSync(),
    );
    expect(logP[0]).toBeCloseTo(0, 6);
    expect(logP[1]).toBeCloseTo(-32, 5);
    expect(ring.logNormalizer).toBeNull();
    const values = targetLogDensityInBatches(
      create('target', 'u1', {}),
      tf.tensor2d([
        [2, 0],
        [0, 2],
        [0, 0],
      ]),
      {
        batchSize: 2,
        normalise: true,
      },
    );
    expect(values[0]).toBeCloseTo(-REFERENCE.u1!(2, 0) - 1.8775016, 4);
    expect(values).toHaveLength(3);
  });
});
