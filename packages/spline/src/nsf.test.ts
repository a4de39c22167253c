// The `nsf` flow and its spline coupling: options and defaults, the registry config round trip, the
// identity at initialisation, and gradients reaching every variable on the wasm backend.
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/engine/gradients';
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import {
  OptionError,
  ShapeError,
  createBijector,
  hostRng,
  listRegistered,
  type Bijector,
} from '@bijective/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NSF } from './nsf.js';
import './index.js';
import { SplineCoupling } from './spline-coupling.js';

/** n rows of d standard normals times `scale` (scale 3 puts about a third of them in the tails of bound 2). */
function normals(n: number, d: number, seed: number, scale = 1): tf.Tensor2D {
  const rng = hostRng(seed);
  return tf.tensor2d(
    Float32Array.from({ length: n * d }, () => scale * rng.normal()),
    [n, d],
  );
}

describe('nsf options and config (cpu)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  test('invalid options throw named errors', () => {
    expect(() => new NSF({ eventShape: [1] })).toThrow(ShapeError);
    expect(() => new NSF({ eventShape: [2, 2] })).toThrow(ShapeError);
    expect(() => new NSF({ eventShape: [2], bins: 1 })).toThrow(/bins/);
    expect(() => new NSF({ eventShape: [2], bound: -1 })).toThrow(/bound/);
    expect(() => new NSF({ eventShape: [2], layers: 0 })).toThrow(/layers/);
    expect(() => new NSF({ eventShape: [2], hidden: [] })).toThrow(/hidden/);
    expect(() => new NSF({ eventShape: [2], activation: 'gelu' as 'relu' })).toThrow(/activation/);
    expect(() => new NSF({ eventShape: [2], binz: 3 } as never)).toThrow(OptionError);
  });

  test('the config fills in the defaults, is tagged a flow, and rebuilds the same map through the registry', () => {
    const flow = new NSF({ eventShape: [3], seed: 7 });
    expect(flow.getConfig()).toEqual({
      name: 'nsf',
      options: {
        eventShape: [3],
        layers: 4,
        hidden: [64, 64],
        bins: 8,
        bound: 3,
        activation: 'relu',
        identityInit: true,
        seed: 7,
        transform: 'coupling',
      },
    });
    // Four couplings as one fused op, the three reversals between them folded into their partitions
    // (A = the first half of the reversed event each time), and the odd reversal left at the end.
    expect(flow.chain.bijectors.map((b) => b.name)).toEqual(['spline-coupling', 'reverse']);
    const couplings = flow.chain.bijectors[0] as SplineCoupling;
    expect(couplings.masks.map((m) => m.partition)).toEqual([
      { indicesA: [0, 1], indicesB: [2] },
      { indicesA: [2, 1], indicesB: [0] },
      { indicesA: [0, 1], indicesB: [2] },
      { indicesA: [2, 1], indicesB: [0] },
    ]);
    expect(listRegistered('bijector', 'flow').map((l) => l.name)).toContain('nsf');
    flow.dispose();

    const options = {
      eventShape: [3],
      layers: 2,
      hidden: [8],
      bins: 5,
      identityInit: false,
      contextShape: [2],
    };
    const a = new NSF({ ...options, seed: 3 });
    const b = createBijector(a.getConfig());
    const x = normals(16, 3, 1, 2);
    const context = normals(16, 2, 2);
    const [ya, yb] = [a.forwardAndLogDet(x, { context }), b.forwardAndLogDet(x, { context })];
    expect(Array.from(ya.value.dataSync())).toEqual(Array.from(yb.value.dataSync()));
    expect(Array.from(ya.logDet.dataSync())).toEqual(Array.from(yb.logDet.dataSync()));
    tf.dispose([x, context, ya.value, ya.logDet, yb.value, yb.logDet]);
    a.dispose();
    b.dispose();
  });

  test('a flow with identityInit starts as the reversals alone (4 layers: 3 reversals), tails included', () => {
    const flow = new NSF({ eventShape: [4], hidden: [8], seed: 1 });
    const x = normals(32, 4, 3, 3);
    const { value, logDet } = flow.forwardAndLogDet(x);
    const [xs, ys] = [x.dataSync(), value.dataSync()];
    ys.forEach((v, i) => expect(v).toBeCloseTo(xs[4 * Math.floor(i / 4) + 3 - (i % 4)]!, 5));
    for (const l of logDet.dataSync()) expect(l).toBeCloseTo(0, 5);
    tf.dispose([x, value, logDet]);
    flow.dispose();
  });
});

describe('gradients on wasm', () => {
  let previous = 'cpu';
  beforeAll(async () => {
    previous = tf.getBackend();
    await tf.setBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  const cases: [string, () => Bijector, boolean][] = [
    [
      'nsf',
      () =>
        new NSF({ eventShape: [3], layers: 3, hidden: [8], bins: 4, bound: 2, identityInit: false, seed: 4 }),
      false,
    ],
    [
      'nsf (conditional)',
      () =>
        new NSF({
          eventShape: [2],
          layers: 2,
          hidden: [8],
          bins: 6,
          bound: 2,
          contextShape: [2],
          identityInit: false,
          seed: 5,
        }),
      true,
    ],
    [
      'nsf (autoregressive, conditional)',
      () =>
        new NSF({
          eventShape: [3],
          layers: 2,
          hidden: [8],
          bins: 4,
          bound: 2,
          transform: 'autoregressive',
          contextShape: [2],
          identityInit: false,
          seed: 7,
        }),
      true,
    ],
    [
      'spline-coupling (identity init)',
      () => new SplineCoupling({ eventShape: [2], hidden: [8], seed: 6 }),
      false,
    ],
  ];
  for (const [name, build, conditional] of cases) {
    test(`${name}: an NLL-like loss of both directions reaches every variable with finite gradients`, () => {
      const bijector = build();
      const d = bijector.eventShape[0] as number;
      const x = normals(64, d, 8, 2);
      const context = conditional ? normals(64, 2, 9) : undefined;
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(() => {
        const inv = bijector.inverseAndLogDet(x, { context });
        const fwd = bijector.forwardAndLogDet(x, { context });
        const nll = tf.sub(tf.mul(0.5, tf.sum(tf.square(inv.value))), tf.sum(inv.logDet));
        return tf.add(nll, tf.sum(tf.mul(fwd.logDet, fwd.logDet))) as tf.Scalar;
      }, bijector.trainableVariables as tf.Variable[]);
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      const values = bijector.trainableVariables.map((v) => grads[v.name]);
      expect(values.every((g) => g !== undefined)).toBe(true);
      const data = values.map((g) => Array.from((g as tf.Tensor).dataSync()));
      for (const g of data) expect(g.every(Number.isFinite)).toBe(true);
      // A zero-initialised output layer zeroes the gradients before it; its own gradient must not vanish.
      const nonzero = data.map((g) => g.some((v) => v !== 0));
      if (name === 'spline-coupling (identity init)') expect(nonzero.some(Boolean)).toBe(true);
      else expect(nonzero.every(Boolean)).toBe(true);
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, ...(context ? [context] : [])]);
      bijector.dispose();
    });
  }
});
