import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, test } from 'vitest';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { createByName } from '../registry.js';
import '../index.js';
import { DiagonalNormal } from './diagonal-normal.js';
import { GaussianMixture } from './gaussian-mixture.js';
import { StandardNormal } from './standard-normal.js';

const LOG_2PI = Math.log(2 * Math.PI);

describe('StandardNormal', () => {
  test('logProb matches the closed form', () => {
    const d = new StandardNormal({ eventShape: [3] });
    const x = tf.tensor2d([
      [0, 0, 0],
      [1, -2, 0.5],
    ]);
    const lp = d.logProb(x).arraySync() as number[];
    expect(lp[0]).toBeCloseTo(-1.5 * LOG_2PI, 5);
    expect(lp[1]).toBeCloseTo(-0.5 * (1 + 4 + 0.25) - 1.5 * LOG_2PI, 5);
  });
  test('seeded sampling is reproducible and has unit variance', () => {
    const d = new StandardNormal({ eventShape: [2] });
    const a = d.sample(4000, { seed: 3 });
    expect(a.arraySync()).toEqual(d.sample(4000, { seed: 3 }).arraySync());
    const { variance } = tf.moments(a, 0);
    for (const v of variance.dataSync()) expect(v).toBeCloseTo(1, 1);
  });
  test('rejects a wrongly shaped batch, naming the shapes', () => {
    const d = new StandardNormal({ eventShape: [2] });
    expect(() => d.logProb(tf.zeros([4, 3]))).toThrow(/expected shape \[batch, 2\], got \[4, 3\]/);
    expect(() => new StandardNormal({ eventShape: [0] })).toThrow(/positive integers/);
  });
});

describe('DiagonalNormal', () => {
  test('logProb uses loc and log-scale, and gradients reach both', () => {
    const d = new DiagonalNormal({ eventShape: [2] });
    d.loc.assign(tf.tensor1d([1, -1]));
    d.logScale.assign(tf.tensor1d([Math.log(2), 0]));
    const lp = d.logProb(tf.tensor2d([[3, -1]])).dataSync()[0] as number;
    expect(lp).toBeCloseTo(-0.5 * 1 - Math.log(2) - LOG_2PI, 5);
    const { grads } = tf.variableGrads(() => tf.sum(d.logProb(tf.tensor2d([[0.3, 0.2]]))) as tf.Scalar, [
      ...d.trainableVariables,
    ] as tf.Variable[]);
    expect(Object.keys(grads)).toHaveLength(2);
    d.dispose();
  });
});

describe('GaussianMixture', () => {
  test('logProb of one component equals that Gaussian; mixture weights enter as log-softmax', () => {
    const m = new GaussianMixture({ eventShape: [2], components: 2, seed: 1 });
    m.means.assign(
      tf.tensor2d([
        [0, 0],
        [10, 10],
      ]),
    );
    m.logits.assign(tf.tensor1d([0, -1e4]));
    const lp = m.logProb(tf.tensor2d([[0.5, -0.5]])).dataSync()[0] as number;
    expect(lp).toBeCloseTo(-0.5 * 0.5 - LOG_2PI, 4);
    m.dispose();
  });
  test('samples follow the weights', () => {
    const m = new GaussianMixture({ eventShape: [1], components: 2 });
    m.means.assign(tf.tensor2d([[-5], [5]]));
    m.logits.assign(tf.tensor1d([Math.log(0.25), Math.log(0.75)]));
    const s = m.sample(4000, { seed: 2 }).dataSync();
    const right = s.filter((v) => v > 0).length / s.length;
    expect(right).toBeGreaterThan(0.72);
    expect(right).toBeLessThan(0.78);
    m.dispose();
  });
  test('draws taken under a tape differentiate through the component means and scales', () => {
    // A training objective that samples the base (flow matching's noise, reverse KL) runs under
    // tf.variableGrads; tfjs's multinomial has no gradient, so the component draw must not use it.
    const m = new GaussianMixture({ eventShape: [2], components: 3, seed: 4 });
    const { value, grads } = tf.variableGrads(
      () => tf.sum(m.sample(64, { seed: 5 })) as tf.Scalar,
      [m.means, m.logScales, m.logits],
    );
    const meanGrad = grads[m.means.name] as tf.Tensor;
    // d/dμ_k Σ draws = the number of draws from component k in each coordinate: counts summing to 64.
    expect(tf.sum(meanGrad).dataSync()[0]).toBeCloseTo(2 * 64, 4);
    expect(Number.isFinite(value.dataSync()[0] as number)).toBe(true);
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
    m.dispose();
  });
  test('sample and logProb leave no tensors behind', () => {
    const m = new GaussianMixture({ eventShape: [3], components: 4 });
    const x = tf.randomNormal([8, 3]);
    const before = tf.memory().numTensors;
    m.sample(5, { seed: 1 }).dispose();
    m.logProb(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});

describe('registry', () => {
  test('every base distribution rebuilds from its config', () => {
    for (const name of ['standard-normal', 'diagonal-normal', 'gaussian-mixture']) {
      const d = createByName('distribution', name, { eventShape: [2] });
      const again = createByName('distribution', d.getConfig().name, d.getConfig().options);
      expect(again.eventShape).toEqual([2]);
      expect(again.variables.map((v) => v.shape)).toEqual(d.variables.map((v) => v.shape));
    }
  });
});

describe('construction', () => {
  test('building a distribution allocates only its variables', () => {
    for (const name of ['standard-normal', 'diagonal-normal', 'gaussian-mixture']) {
      const before = tf.memory().numTensors;
      const d = createByName('distribution', name, { eventShape: [3] });
      expect(tf.memory().numTensors - before).toBe(d.variables.length);
      d.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('seeds', () => {
  test('seed 0 is a seed like any other (tfjs treats a falsy seed as none)', () => {
    for (const name of ['standard-normal', 'diagonal-normal', 'gaussian-mixture']) {
      const d = createByName('distribution', name, { eventShape: [2] });
      expect(d.sample(3, { seed: 0 }).arraySync()).toEqual(d.sample(3, { seed: 0 }).arraySync());
      expect(d.sample(3, { seed: 0 }).arraySync()).not.toEqual(d.sample(3, { seed: 1 }).arraySync());
      d.dispose();
    }
  });
});
