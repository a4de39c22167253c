// Shared checks run on every core bijector, on the cpu and wasm backends: round trips, fused calls,
// log-dets against float64 finite-difference Jacobians, shape errors, config round trips, gradients
// and tensor leaks.
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/test-support/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import '@bijective/engine/gradients';
// The engine's kernels for core bijectors (on wasm: sinh-arcsinh's SIMD kernels), so both paths are checked.
import '@bijective/engine';
import {
  ShapeError,
  createBijector,
  eventSize,
  formatShape,
  getEntry,
  hostRng,
  isRegistered,
  type Bijector,
  type BijectorConfig,
} from '@bijective/core';
import { slogdet } from '@bijective/testing';

const D = 3;
const BATCH = 4;

/** Each registry name with its variable counts (all, trainable) for the registered example at D = 3. */
const REGISTERED: Record<string, [number, number]> = {
  chain: [5, 5],
  invert: [3, 3],
  shift: [1, 1],
  scale: [1, 1],
  affine: [2, 2],
  exp: [0, 0],
  softplus: [0, 0],
  sigmoid: [0, 0],
  tanh: [0, 0],
  'leaky-relu': [0, 0],
  'sinh-arcsinh': [4, 4],
  reverse: [0, 0],
  permute: [0, 0],
  'lu-linear': [3, 3],
  'batch-norm': [4, 2],
  'triangular-affine': [0, 0],
};

interface Case {
  label: string;
  config: BijectorConfig;
  /** Expected numbers of variables and of trainable variables, where known. */
  counts?: [number, number];
}

const cases: Case[] = [
  ...Object.entries(REGISTERED).map(([name, counts]) => ({
    label: `${name} (registered example)`,
    config: { name, options: getEntry('bijector', name).example?.(D) ?? {} } as BijectorConfig,
    counts,
  })),
  {
    label: 'affine on [2, 3] events',
    config: { name: 'affine', options: { eventShape: [2, 3], scale: [1, 2, 3, 0.5, 0.25, 1] } },
  },
  {
    label: 'frozen affine',
    config: { name: 'affine', options: { eventShape: [D], shift: 1, scale: 2, trainable: false } },
    counts: [2, 0],
  },
  { label: 'tanh on [2, 2] events', config: { name: 'tanh', options: { eventShape: [2, 2] } } },
  { label: 'batch-norm on [2, 2] events', config: { name: 'batch-norm', options: { eventShape: [2, 2] } } },
  {
    label: 'chain of every elementwise kind',
    config: {
      name: 'chain',
      options: {
        bijectors: [
          { name: 'batch-norm', options: { eventShape: [D] } },
          { name: 'leaky-relu', options: { eventShape: [D], negativeSlope: 0.5 } },
          { name: 'permute', options: { eventShape: [D], permutation: [2, 0, 1] } },
          { name: 'scale', options: { eventShape: [D], scale: [0.5, 1, 2] } },
          { name: 'exp', options: { eventShape: [D] } },
          { name: 'invert', options: { bijector: { name: 'softplus', options: { eventShape: [D] } } } },
          { name: 'softplus', options: { eventShape: [D] } },
          { name: 'invert', options: { bijector: { name: 'exp', options: { eventShape: [D] } } } },
          { name: 'shift', options: { eventShape: [D], shift: 0.5 } },
          { name: 'sigmoid', options: { eventShape: [D] } },
          { name: 'invert', options: { bijector: { name: 'sigmoid', options: { eventShape: [D] } } } },
          { name: 'tanh', options: { eventShape: [D] } },
        ],
      },
    },
  },
];

/** Moves every variable by a seeded uniform amount in [-0.3, 0.3], so checks do not run at a special point. */
function perturb(b: Bijector, seed: number): void {
  const rng = hostRng(seed);
  for (const v of b.variables) {
    tf.tidy(() =>
      v.assign(
        tf.add(
          v,
          tf.tensor(
            Array.from({ length: v.size }, () => 0.6 * rng.uniform() - 0.3),
            v.shape,
          ),
        ),
      ),
    );
  }
}

/** A float32 batch of base points with every coordinate at least 0.1 away from 0 (leaky-relu's kink). */
function basePoints(b: Bijector, seed: number): tf.Tensor {
  const rng = hostRng(seed);
  const values = Array.from({ length: BATCH * eventSize(b.eventShape) }, () => {
    const z = rng.normal();
    return Math.sign(z) * (0.1 + Math.abs(z));
  });
  return tf.tensor(values, [BATCH, ...b.eventShape]);
}

function rows(t: tf.Tensor): number[][] {
  const n = t.size / (t.shape[0] as number);
  const data = Array.from(t.dataSync());
  return Array.from({ length: t.shape[0] as number }, (_, i) => data.slice(i * n, (i + 1) * n));
}

/** log|det J| of `map` at each row of x from float32 central differences, evaluated in one batched call. */
function finiteDifferenceLogDets(map: (t: tf.Tensor) => tf.Tensor, x: tf.Tensor): number[] {
  const eventShape = x.shape.slice(1);
  return rows(x).map((point) => {
    const n = point.length;
    const widths: number[] = [];
    const stencil = point.flatMap((xi, i) => {
      const h = 1e-2 * Math.max(1, Math.abs(xi));
      const plus = [...point];
      const minus = [...point];
      plus[i] = Math.fround(xi + h);
      minus[i] = Math.fround(xi - h);
      widths.push((plus[i] as number) - (minus[i] as number));
      return [...plus, ...minus];
    });
    const values = tf.tidy(() => rows(map(tf.tensor(stencil, [2 * n, ...eventShape]))));
    const jacobian = Array.from({ length: n }, (_, r) =>
      Array.from(
        { length: n },
        (_, i) => ((values[2 * i]![r] as number) - (values[2 * i + 1]![r] as number)) / widths[i]!,
      ),
    );
    return slogdet(jacobian).logAbsDet;
  });
}

function expectClose(actual: tf.Tensor | number[], expected: tf.Tensor | number[], tolerance: number): void {
  const a = Array.isArray(actual) ? actual : Array.from(actual.dataSync());
  const e = Array.isArray(expected) ? expected : Array.from(expected.dataSync());
  expect(a.length).toBe(e.length);
  a.forEach((v, i) =>
    expect(Math.abs(v - (e[i] as number))).toBeLessThanOrEqual(tolerance * (1 + Math.abs(e[i] as number))),
  );
}

test('every core bijector is registered with an example', () => {
  for (const name of Object.keys(REGISTERED)) {
    expect(isRegistered('bijector', name)).toBe(true);
    expect(typeof getEntry('bijector', name).example).toBe('function');
  }
});

describe.each(['cpu', 'wasm'])('%s backend', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  describe.each(cases)('$label', ({ config, counts }) => {
    let b: Bijector;
    let x: tf.Tensor;
    let y: tf.Tensor;

    beforeAll(() => {
      b = createBijector(config);
      perturb(b, 11);
      x = basePoints(b, 5);
      y = b.forward(x);
    });

    afterAll(() => {
      tf.dispose([x, y]);
      b.dispose();
    });

    test('declares its variables', () => {
      if (counts) expect([b.variables.length, b.trainableVariables.length]).toEqual(counts);
      expect(b.trainableVariables.every((v) => v.trainable && b.variables.includes(v))).toBe(true);
    });

    test('inverse(forward(x)) = x and forward(inverse(y)) = y', () => {
      tf.tidy(() => {
        expectClose(b.inverse(y), x, 2e-4);
        expectClose(b.forward(b.inverse(y)), y, 2e-4);
      });
    });

    test('fused calls match the single-output calls and their log-dets are opposite', () => {
      tf.tidy(() => {
        const fwd = b.forwardAndLogDet(x);
        const inv = b.inverseAndLogDet(y);
        expect(fwd.logDet.shape).toEqual([BATCH]);
        expect(inv.logDet.shape).toEqual([BATCH]);
        expectClose(fwd.value, y, 1e-6);
        expectClose(inv.value, b.inverse(y), 1e-6);
        expectClose(inv.logDet, tf.neg(fwd.logDet), 2e-4);
      });
    });

    // The inverse's log-det is checked through the opposite-log-dets test above: finite differences of
    // the inverse would step over the edges of bounded domains.
    test('forward log-dets match float64 log|det| of finite-difference Jacobians', () => {
      const forwardLogDet = tf.tidy(() => b.forwardAndLogDet(x).logDet);
      expectClose(
        forwardLogDet,
        finiteDifferenceLogDets((t) => b.forward(t), x),
        2e-3,
      );
      forwardLogDet.dispose();
    });

    test('a wrong event shape is a ShapeError naming the expected and actual shapes', () => {
      const wrong = tf.zeros([2, ...b.eventShape.slice(0, -1), (b.eventShape.at(-1) as number) + 1]);
      const expected = formatShape([null, ...b.eventShape]);
      for (const call of [() => b.forward(wrong), () => b.inverseAndLogDet(wrong)]) {
        expect(call).toThrow(ShapeError);
        expect(call).toThrow(`expected shape ${expected}, got ${formatShape(wrong.shape)}`);
      }
      wrong.dispose();
    });

    test('its JSON config rebuilds it through the registry with identical outputs', () => {
      const saved = JSON.parse(JSON.stringify(b.getConfig())) as BijectorConfig;
      expect(saved).toEqual(b.getConfig());
      const copy = createBijector(saved);
      expect(copy.getConfig()).toEqual(saved);
      expect(copy.variables.map((v) => [v.shape, v.trainable])).toEqual(
        b.variables.map((v) => [v.shape, v.trainable]),
      );
      copy.variables.forEach((v, i) => tf.tidy(() => v.assign(tf.clone(b.variables[i] as tf.Variable))));
      tf.tidy(() => {
        const a = b.forwardAndLogDet(x);
        const c = copy.forwardAndLogDet(x);
        expect(c.value.dataSync()).toEqual(a.value.dataSync());
        expect(c.logDet.dataSync()).toEqual(a.logDet.dataSync());
        expect(copy.inverse(y).dataSync()).toEqual(b.inverse(y).dataSync());
      });
      copy.dispose();
    });

    test('gradients of a loss through both directions reach every trainable variable', () => {
      if (b.trainableVariables.length === 0) return;
      const { value, grads } = tf.variableGrads(() => {
        const fwd = b.forwardAndLogDet(x);
        const inv = b.inverseAndLogDet(y);
        return tf.addN([
          tf.sum(tf.square(fwd.value)),
          tf.sum(fwd.logDet),
          tf.sum(tf.square(inv.value)),
          tf.sum(inv.logDet),
        ]) as tf.Scalar;
      }, b.trainableVariables as tf.Variable[]);
      for (const v of b.trainableVariables) {
        const g = Array.from((grads[v.name] as tf.Tensor).dataSync());
        expect(g.every(Number.isFinite)).toBe(true);
        expect(g.some((gi) => gi !== 0)).toBe(true);
      }
      tf.dispose([value, ...Object.values(grads)]);
    });

    test('leaves no tensor behind: calls, gradients, construction and disposal', () => {
      const before = tf.memory().numTensors;
      tf.dispose([
        b.forward(x),
        b.inverse(y),
        ...Object.values(b.forwardAndLogDet(x)),
        ...Object.values(b.inverseAndLogDet(y)),
      ]);
      if (b.trainableVariables.length > 0) {
        const { value, grads } = tf.variableGrads(() => {
          const inv = b.inverseAndLogDet(y);
          return tf.add(tf.sum(inv.value), tf.sum(inv.logDet)) as tf.Scalar;
        }, b.trainableVariables as tf.Variable[]);
        tf.dispose([value, ...Object.values(grads)]);
      }
      createBijector(b.getConfig()).dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
