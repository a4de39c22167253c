// MAF and IAF: round trips in both directions, log-determinants of the two directions, configs that
// rebuild through the registry, defaults, option errors and tensor leaks.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  OptionError,
  ShapeError,
  createBijector,
  createByName,
  hostRng,
  type Bijector,
} from '@bijective/core';
import { beforeAll, describe, expect, test } from 'vitest';
import { IAF } from './iaf.js';
import { MAF } from './maf.js';
import { MaskedAffineAutoregressive } from './masked-affine.js';
import './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const small = { hidden: [16, 16], layers: 3, identityInit: false, seed: 11 };

function normals(shape: [number, number], seed: number): tf.Tensor2D {
  const rng = hostRng(seed);
  return tf.tensor2d(
    Array.from({ length: shape[0] * shape[1] }, () => rng.normal()),
    shape,
  );
}

/** max |a - b| on the host. */
function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

const variants: Record<string, (flow: 'maf' | 'iaf') => Bijector> = {
  plain: (f) => createByName('bijector', f, { eventShape: [4], ...small }),
  'random order, residual, batch norm': (f) =>
    createByName('bijector', f, {
      eventShape: [5],
      ...small,
      order: 'random',
      residual: true,
      batchNorm: true,
    }),
  conditional: (f) => createByName('bijector', f, { eventShape: [3], ...small, contextShape: [2] }),
};

describe('maf and iaf', () => {
  for (const flow of ['maf', 'iaf'] as const) {
    for (const [name, build] of Object.entries(variants)) {
      test(`${flow} ${name}: round trips and opposite log-determinants`, () => {
        const before = tf.memory().numTensors;
        const bijector = build(flow);
        const d = bijector.eventShape[0] as number;
        const z = normals([7, d], 1);
        const context = bijector.contextShape ? normals([7, 2], 2) : undefined;
        const [roundTrip, logDets, otherWay, moved] = tf.tidy(() => {
          const fwd = bijector.forwardAndLogDet(z, { context });
          const back = bijector.inverseAndLogDet(fwd.value, { context });
          return [
            maxDiff(back.value, z),
            maxDiff(tf.neg(back.logDet), fwd.logDet),
            maxDiff(bijector.forward(bijector.inverse(z, { context }), { context }), z),
            maxDiff(fwd.value, z),
          ];
        });
        expect(roundTrip).toBeLessThan(1e-4);
        expect(logDets).toBeLessThan(1e-4);
        expect(otherWay).toBeLessThan(1e-4);
        // Random initialisation: the map is not the identity.
        expect(moved).toBeGreaterThan(1e-2);
        tf.dispose(context ? [z, context] : [z]);
        bijector.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }

  test('fast directions, defaults and capability flags', () => {
    const maf = new MAF({ eventShape: [3], seed: 1 });
    const iaf = new IAF({ eventShape: [3], seed: 1 });
    expect(maf.fastDirection).toBe('inverse');
    expect(iaf.fastDirection).toBe('forward');
    expect(maf.hasAnalyticInverse).toBe(true);
    expect(maf.getConfig()).toEqual({
      name: 'maf',
      options: {
        eventShape: [3],
        layers: 12,
        hidden: [64, 64],
        activation: 'relu',
        order: 'reverse',
        residual: false,
        batchNorm: false,
        scaleBound: 2,
        identityInit: true,
        seed: 1,
      },
    });
    // 12 MADEs, one flat θ each.
    expect(maf.variables).toHaveLength(12);
    // Identity initialisation.
    const x = normals([4, 3], 3);
    expect(maxDiff(maf.forward(x), x)).toBe(0);
    expect(maxDiff(iaf.inverse(x), x)).toBe(0);
    tf.dispose(x);
    maf.dispose();
    iaf.dispose();
  });

  test('configs rebuild through the registry: same options, same values with copied weights', () => {
    for (const flow of ['maf', 'iaf'] as const) {
      const original = createByName('bijector', flow, {
        eventShape: [3],
        ...small,
        batchNorm: true,
        contextShape: [1],
      });
      const copy = createBijector(original.getConfig());
      expect(copy.getConfig()).toEqual(original.getConfig());
      expect(copy.variables.map((v) => v.shape)).toEqual(original.variables.map((v) => v.shape));
      copy.variables.forEach((v, i) => v.assign(original.variables[i] as tf.Variable));
      const x = normals([5, 3], 4);
      const c = normals([5, 1], 5);
      const a = original.inverse(x, { context: c });
      const b = copy.inverse(x, { context: c });
      expect(maxDiff(a, b)).toBe(0);
      tf.dispose([x, c, a, b]);
      original.dispose();
      copy.dispose();
    }
  });

  test('in a chain with a conditional link, an unconditional maf ignores the context', () => {
    const chain = createByName('bijector', 'chain', {
      bijectors: [
        { name: 'maf', options: { eventShape: [2], layers: 1, hidden: [4], identityInit: false, seed: 1 } },
        {
          name: 'iaf',
          options: {
            eventShape: [2],
            layers: 1,
            hidden: [4],
            contextShape: [1],
            identityInit: false,
            seed: 2,
          },
        },
      ],
    });
    const roundTrip = tf.tidy(() => {
      const z = normals([3, 2], 6);
      const context = normals([3, 1], 7);
      return maxDiff(chain.inverse(chain.forward(z, { context }), { context }), z);
    });
    expect(roundTrip).toBeLessThan(1e-4);
    chain.dispose();
  });

  test('the layer stores its explicit order; a random order is reproducible from the seed', () => {
    const layer = new MaskedAffineAutoregressive({ eventShape: [4], order: 'random', seed: 3, hidden: [8] });
    const order = layer.getConfig().options.order as number[];
    expect([...order].sort()).toEqual([1, 2, 3, 4]);
    const again = new MaskedAffineAutoregressive({ eventShape: [4], order: 'random', seed: 3, hidden: [8] });
    expect(again.degrees).toEqual(order);
    layer.dispose();
    again.dispose();
  });

  test('bad options throw errors naming them', () => {
    expect(() => new MAF({ eventShape: [2, 2] })).toThrow(ShapeError);
    expect(() => new MAF({ eventShape: [2], layers: 0 })).toThrow(/layers/);
    expect(() => new IAF({ eventShape: [2], hidden: [] })).toThrow(/hidden/);
    expect(() => new IAF({ eventShape: [2], order: 'sideways' as 'random' })).toThrow(OptionError);
    expect(() => createByName('bijector', 'maf', { eventShape: [2], typo: 1 } as never)).toThrow(/typo/);
    expect(
      () => new MaskedAffineAutoregressive({ eventShape: [2], fastDirection: 'both' as 'forward' }),
    ).toThrow(/fastDirection/);
    const conditional = new MAF({ eventShape: [2], contextShape: [1], hidden: [4], layers: 1, seed: 0 });
    const x = tf.zeros([2, 2]);
    expect(() => conditional.inverse(x)).toThrow(ShapeError);
    tf.dispose(x);
    conditional.dispose();
  });
});
