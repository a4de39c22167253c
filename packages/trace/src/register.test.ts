import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  OptionError,
  RegistryError,
  create,
  createByName,
  listRegistered,
  register,
  unregister,
} from '@bijective/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ExactTrace,
  HutchinsonTrace,
  type BatchFunction,
  type TraceEstimator,
  type TraceResult,
} from './index.js';

/** A third party's estimator: the exact trace computed by finite differences along the basis vectors. */
class FiniteDifferenceTrace implements TraceEstimator {
  readonly name = 'acme/finite-difference';
  constructor(private readonly step: number) {}
  createProbe(shape: readonly number[]): tf.Tensor {
    return new ExactTrace().createProbe(shape);
  }
  estimate(f: BatchFunction, z: tf.Tensor, probe?: tf.Tensor): TraceResult {
    return tf.tidy(() => {
      const basis = probe ?? this.createProbe(z.shape);
      const value = f(z);
      const parts = tf
        .unstack(basis)
        .map((e) =>
          tf.sum(tf.mul(tf.div(tf.sub(f(tf.add(z, tf.mul(e, this.step))), value), this.step), e), 1),
        );
      return { value, trace: tf.addN(parts) as tf.Tensor1D };
    });
  }
}

declare module './index.js' {
  interface TraceEstimatorOptionsMap {
    'acme/finite-difference': { step: number };
  }
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => {
  unregister('traceEstimator', 'acme/finite-difference');
});

describe('traceEstimator registry', () => {
  test('registers exact, hutchinson-gaussian and hutchinson-rademacher', () => {
    expect(listRegistered('traceEstimator').map((l) => l.name)).toEqual(
      expect.arrayContaining(['exact', 'hutchinson-gaussian', 'hutchinson-rademacher']),
    );
    expect(create('traceEstimator', 'exact', {})).toBeInstanceOf(ExactTrace);
    const g = createByName('traceEstimator', 'hutchinson-gaussian', { probes: 3 });
    expect(g).toBeInstanceOf(HutchinsonTrace);
    expect((g as HutchinsonTrace).probes).toBe(3);
    expect(createByName('traceEstimator', 'hutchinson-rademacher', {}).name).toBe('hutchinson-rademacher');
  });

  test('bad options and unknown names error clearly', () => {
    expect(() => createByName('traceEstimator', 'exact', { probes: 2 })).toThrow(OptionError);
    expect(() => createByName('traceEstimator', 'hutchinson-gaussian', { probes: -1 })).toThrow(
      /probes must be a positive integer/,
    );
    expect(() => createByName('traceEstimator', 'skilling', {})).toThrow(RegistryError);
    expect(() => createByName('traceEstimator', 'skilling', {})).toThrow(
      /unknown traceEstimator 'skilling'; known: .*exact, hutchinson-gaussian, hutchinson-rademacher/,
    );
  });

  test('a third party registers its own estimator and a consumer creates it by name', () => {
    register('traceEstimator', 'acme/finite-difference', {
      description: 'exact trace by forward differences (third-party example)',
      create: (options) => new FiniteDifferenceTrace(options.step),
    });
    const estimator = createByName('traceEstimator', 'acme/finite-difference', { step: 1e-2 });
    const z = tf.tensor2d([
      [0.1, 0.2],
      [0.3, -0.4],
    ]);
    const f: BatchFunction = (x) => tf.mul(x, x);
    const { value, trace } = estimator.estimate(f, z);
    // tr ∂(z²)/∂z = 2 Σ z, plus the forward-difference bias h per axis.
    expect(trace.dataSync()[0]).toBeCloseTo(0.6 + 0.02, 3);
    expect(trace.dataSync()[1]).toBeCloseTo(-0.2 + 0.02, 3);
    tf.dispose([z, value, trace]);
  });
});
