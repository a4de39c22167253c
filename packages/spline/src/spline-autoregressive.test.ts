// The autoregressive spline layer and `nsf` with `transform: 'autoregressive'`: the autoregressive
// property of the Jacobian in both directions, round trips and log-determinants, the identity at
// initialisation, options, and the registry config round trip.
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/engine/gradients';
import * as tf from '@tensorflow/tfjs-core';
import { OptionError, ShapeError, createBijector, hostRng, type Bijector } from '@bijective/core';
import { beforeAll, describe, expect, test } from 'vitest';
import { NSF } from './nsf.js';
import './index.js';
import { SplineAutoregressive } from './spline-autoregressive.js';

/** n rows of d standard normals times `scale`. */
function normals(n: number, d: number, seed: number, scale = 1): tf.Tensor2D {
  const rng = hostRng(seed);
  return tf.tensor2d(
    Float32Array.from({ length: n * d }, () => scale * rng.normal()),
    [n, d],
  );
}

/** The Jacobian J[i][j] = ∂out_i/∂in_j of one direction at a single point `[1, d]`, by autodiff. */
function jacobian(map: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor2D): number[][] {
  const d = x.shape[1];
  return Array.from({ length: d }, (_, i) =>
    tf.tidy(() => {
      const pick = tf.tensor2d(
        Float32Array.from({ length: d }, (_, k) => (k === i ? 1 : 0)),
        [1, d],
      );
      const g = tf.grad((u: tf.Tensor) => tf.sum(tf.mul(map(u), pick)))(x);
      return Array.from(g.dataSync());
    }),
  );
}

describe('spline-autoregressive (cpu)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  const order = [3, 1, 4, 2];
  const build = (extra: object = {}) =>
    new SplineAutoregressive({
      eventShape: [4],
      hidden: [16, 16],
      bins: 5,
      bound: 2,
      order,
      identityInit: false,
      seed: 11,
      ...extra,
    });

  test('output i depends only on inputs earlier in the order (exact zeros), in both directions', () => {
    const layer = build();
    const x = normals(1, 4, 1, 0.7);
    for (const map of [(u: tf.Tensor) => layer.inverse(u), (u: tf.Tensor) => layer.forward(u)]) {
      const j = jacobian(map, x);
      let below = 0;
      j.forEach((row, i) =>
        row.forEach((v, k) => {
          if (order[k]! > order[i]!) expect(v).toBe(0);
          else if (k === i) expect(v).toBeGreaterThan(0);
          else if (v !== 0) below++;
        }),
      );
      expect(below).toBeGreaterThan(0);
    }
    x.dispose();
    layer.dispose();
  });

  test('a conditional layer reads the context in every dimension, the first in the order included', () => {
    const layer = build({ contextShape: [3] });
    const x = normals(1, 4, 2, 0.7);
    const g = tf.grad((c: tf.Tensor) => tf.sum(tf.mul(layer.inverse(x, { context: c }), [[1, 0, 0, 0]])))(
      normals(1, 3, 3),
    );
    expect(Array.from(g.dataSync()).some((v) => v !== 0)).toBe(true);
    tf.dispose([x, g]);
    layer.dispose();
  });

  test('round trips and log-determinants match the Jacobian, tails included', () => {
    const layer = build();
    const x = normals(16, 4, 4, 1.5);
    const before = tf.memory().numTensors;
    const inv = layer.inverseAndLogDet(x);
    const fwd = layer.forwardAndLogDet(inv.value);
    expect(tf.memory().numTensors).toBe(before + 4);
    const [xs, back] = [x.dataSync(), fwd.value.dataSync()];
    back.forEach((v, i) => expect(v).toBeCloseTo(xs[i]!, 4));
    const [li, lf] = [inv.logDet.dataSync(), fwd.logDet.dataSync()];
    li.forEach((v, i) => expect(v + lf[i]!).toBeCloseTo(0, 4));
    // Triangular in the order: log|det J| = Σ_i log J_ii.
    for (let r = 0; r < 3; r++) {
      const row = tf.slice(x, [r, 0], [1, 4]) as tf.Tensor2D;
      const j = jacobian((u) => layer.inverse(u), row);
      expect(li[r]!).toBeCloseTo(
        j.reduce((s, jr, i) => s + Math.log(jr[i]!), 0),
        4,
      );
      row.dispose();
    }
    tf.dispose([x, inv.value, inv.logDet, fwd.value, fwd.logDet]);
    layer.dispose();
  });

  test('identityInit starts as the identity with zero log-determinant', () => {
    const layer = new SplineAutoregressive({ eventShape: [3], hidden: [8], seed: 1 });
    const x = normals(8, 3, 5, 3);
    for (const { value, logDet } of [layer.forwardAndLogDet(x), layer.inverseAndLogDet(x)]) {
      const [xs, ys] = [x.dataSync(), value.dataSync()];
      ys.forEach((v, i) => expect(v).toBeCloseTo(xs[i]!, 5));
      for (const l of logDet.dataSync()) expect(l).toBeCloseTo(0, 5);
      tf.dispose([value, logDet]);
    }
    x.dispose();
    layer.dispose();
  });

  test('invalid options throw named errors; the config stores the explicit order and rebuilds the same map', () => {
    expect(() => new SplineAutoregressive({ eventShape: [2, 2] })).toThrow(ShapeError);
    expect(() => new SplineAutoregressive({ eventShape: [3], bins: 1 })).toThrow(/bins/);
    expect(() => new SplineAutoregressive({ eventShape: [3], order: [1, 1, 2] })).toThrow(OptionError);
    expect(() => new SplineAutoregressive({ eventShape: [3], scaleBound: 2 } as never)).toThrow(OptionError);
    const a = new SplineAutoregressive({ eventShape: [3], order: 'reversed', seed: 5 });
    expect(a.fastDirection).toBe('inverse');
    expect(a.getConfig()).toEqual({
      name: 'spline-autoregressive',
      options: {
        eventShape: [3],
        hidden: [64, 64],
        bins: 8,
        bound: 3,
        activation: 'relu',
        order: [3, 2, 1],
        identityInit: true,
        seed: 5,
      },
    });
    a.dispose();
    const b = build({ contextShape: [2], order: 'random' });
    const c = createBijector(b.getConfig());
    const x = normals(8, 4, 6, 2);
    const context = normals(8, 2, 7);
    const [yb, yc] = [b.forwardAndLogDet(x, { context }), c.forwardAndLogDet(x, { context })];
    expect(Array.from(yb.value.dataSync())).toEqual(Array.from(yc.value.dataSync()));
    expect(Array.from(yb.logDet.dataSync())).toEqual(Array.from(yc.logDet.dataSync()));
    tf.dispose([x, context, yb.value, yb.logDet, yc.value, yc.logDet]);
    b.dispose();
    c.dispose();
  });
});

describe('nsf with transform autoregressive (cpu)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  test('stacks spline MADE layers with alternating orders, fast density, and round-trips its config', () => {
    expect(() => new NSF({ eventShape: [2], transform: 'masked' as 'coupling' })).toThrow(/transform/);
    const flow = new NSF({ eventShape: [3], layers: 3, transform: 'autoregressive', seed: 9 });
    expect(flow.fastDirection).toBe('inverse');
    // One fused op for the three layers, saved as the chain of the equivalent single layers.
    expect(flow.chain.bijectors.map((b) => b.name)).toEqual(['spline-autoregressive-stack']);
    const layers = (flow.chain.bijectors[0] as Bijector).getConfig().options.bijectors as {
      name: string;
      options: { order: number[] };
    }[];
    expect(layers.map((l) => l.name)).toEqual(Array(3).fill('spline-autoregressive'));
    expect(layers.map((l) => l.options.order)).toEqual([
      [1, 2, 3],
      [3, 2, 1],
      [1, 2, 3],
    ]);
    expect(flow.getConfig()).toEqual({
      name: 'nsf',
      options: {
        eventShape: [3],
        hidden: [64, 64],
        bins: 8,
        bound: 3,
        activation: 'relu',
        identityInit: true,
        seed: 9,
        layers: 3,
        transform: 'autoregressive',
      },
    });
    flow.dispose();

    // d = 1 is allowed (no coupling split is needed).
    const one: Bijector = new NSF({ eventShape: [1], transform: 'autoregressive', hidden: [4] });
    one.dispose();

    const a = new NSF({
      eventShape: [3],
      layers: 2,
      hidden: [8],
      bins: 5,
      transform: 'autoregressive',
      identityInit: false,
      contextShape: [2],
      seed: 3,
    });
    const b = createBijector(a.getConfig());
    const x = normals(16, 3, 1, 2);
    const context = normals(16, 2, 2);
    const [ya, yb] = [a.inverseAndLogDet(x, { context }), b.inverseAndLogDet(x, { context })];
    expect(Array.from(ya.value.dataSync())).toEqual(Array.from(yb.value.dataSync()));
    expect(Array.from(ya.logDet.dataSync())).toEqual(Array.from(yb.logDet.dataSync()));
    const back = a.forward(ya.value, { context });
    back.dataSync().forEach((v, i) => expect(v).toBeCloseTo(x.dataSync()[i]!, 4));
    tf.dispose([x, context, ya.value, ya.logDet, yb.value, yb.logDet, back]);
    a.dispose();
    b.dispose();
  });
});
