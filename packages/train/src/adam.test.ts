import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, test } from 'vitest';
import { Adam, type AdamOptions } from './adam.js';

/** Textbook Adam (with decoupled weight decay) in float64 on the host, over a sequence of gradients. */
function referenceAdam(
  theta0: readonly number[],
  gradients: readonly (readonly number[])[],
  rates: readonly number[],
  { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0 }: AdamOptions,
): number[] {
  const theta = [...theta0];
  const m = theta.map(() => 0);
  const v = theta.map(() => 0);
  gradients.forEach((g, step) => {
    const t = step + 1;
    const lr = rates[step] as number;
    for (let i = 0; i < theta.length; i++) {
      const gi = g[i] as number;
      m[i] = beta1 * (m[i] as number) + (1 - beta1) * gi;
      v[i] = beta2 * (v[i] as number) + (1 - beta2) * gi * gi;
      const mHat = (m[i] as number) / (1 - beta1 ** t);
      const vHat = (v[i] as number) / (1 - beta2 ** t);
      theta[i] = (theta[i] as number) * (1 - lr * weightDecay) - (lr * mHat) / (Math.sqrt(vHat) + epsilon);
    }
  });
  return theta;
}

/** Deterministic pseudo-random numbers in (-scale, scale), exactly representable in float32. */
function values(count: number, seed: number, scale: number): number[] {
  let s = seed;
  return Array.from({ length: count }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return Math.fround(((s / 2 ** 31) * 2 - 1) * scale);
  });
}

describe('Adam', () => {
  const cases: [string, AdamOptions][] = [
    ['defaults', {}],
    [
      'other betas, large epsilon and weight decay',
      { beta1: 0.8, beta2: 0.99, epsilon: 1e-3, weightDecay: 0.1 },
    ],
  ];
  test.each(cases)('matches a float64 textbook reference (%s)', (_, options) => {
    const size = 40;
    const steps = 25;
    const theta0 = values(size, 1, 1);
    // Gradients spanning several orders of magnitude, some of them exactly zero.
    const gradients = Array.from({ length: steps }, (_, k) =>
      values(size, 100 + k, 1).map((g, i) => (i % 7 === 0 ? 0 : g * 10 ** ((i % 5) - 3))),
    );
    const rates = Array.from({ length: steps }, (_, k) => 1e-2 / (1 + k / 10));
    const variable = tf.variable(tf.tensor1d(theta0), true, 'adam-test-theta');
    const adam = new Adam(options);
    const before = tf.memory().numTensors;
    for (let k = 0; k < steps; k++) {
      const g = tf.tensor1d(gradients[k] as number[]);
      adam.apply([variable], { [variable.name]: g }, rates[k] as number);
      g.dispose();
    }
    // The two moment buffers: nothing else is left behind.
    expect(tf.memory().numTensors).toBe(before + 2);
    const actual = variable.dataSync();
    const expected = referenceAdam(theta0, gradients, rates, options);
    for (let i = 0; i < size; i++) {
      const e = expected[i] as number;
      expect(Math.abs((actual[i] as number) - e)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(e));
    }
    // The parameters moved (the comparison is not trivially satisfied).
    expect(expected.some((e, i) => Math.abs(e - (theta0[i] as number)) > 1e-3)).toBe(true);
    adam.dispose();
    expect(tf.memory().numTensors).toBe(before);
    variable.dispose();
  });
});
