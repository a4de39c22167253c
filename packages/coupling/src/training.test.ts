// Training quality: RealNVP fitted with core's `fit` learns a 2-D Gaussian mixture and a conditional
// density, in a few hundred steps on the wasm backend.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { Flow, StandardNormal, hostRng } from '@bijective/core';
import { fit, meanNegLogProb } from '@bijective/train';
import { beforeAll, describe, expect, test } from 'vitest';
import { RealNVP } from './realnvp.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** n draws of 4 Gaussians (s.d. 0.3) at (±2, ±2); with `context`, the row's centre is (2c, -c) for c = ±1 instead. */
function draw(n: number, seed: number, conditional = false): { x: tf.Tensor2D; context: tf.Tensor2D } {
  const rng = hostRng(seed);
  const x = new Float32Array(2 * n);
  const c = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    c[i] = rng.uniform() < 0.5 ? -1 : 1;
    const centre = conditional
      ? [2 * c[i]!, -c[i]!]
      : [rng.uniform() < 0.5 ? -2 : 2, rng.uniform() < 0.5 ? -2 : 2];
    x[2 * i] = centre[0]! + 0.3 * rng.normal();
    x[2 * i + 1] = centre[1]! + 0.3 * rng.normal();
  }
  return { x: tf.tensor2d(x, [n, 2]), context: tf.tensor2d(c, [n, 1]) };
}

const settings = { layers: 4, hidden: [32, 32], seed: 1 };
const training = { steps: 300, batchSize: 128, learningRate: 5e-3, validationFraction: 0, seed: 2 };

describe('training', () => {
  test('RealNVP fitted to a Gaussian mixture lowers the test NLL far below the start', () => {
    const flow = new Flow(
      new StandardNormal({ eventShape: [2] }),
      new RealNVP({ eventShape: [2], ...settings }),
    );
    const train = draw(2048, 3);
    const test_ = draw(1024, 4);
    const before = meanNegLogProb(flow, test_.x);
    fit(flow, train.x, training);
    const after = meanNegLogProb(flow, test_.x);
    // N(0, I) on this data: ≈ 5.9 nats; the mixture's entropy: log 4 + log(2πe·0.09) ≈ 1.82 nats.
    expect(before).toBeGreaterThan(5);
    expect(after).toBeLessThan(before - 2.5);
    expect(after).toBeLessThan(3);
    tf.dispose([train.x, train.context, test_.x, test_.context]);
    flow.dispose();
  });

  test('a conditional RealNVP learns p(x | c): samples for each context sit at its centre', () => {
    const bijector = new RealNVP({ eventShape: [2], contextShape: [1], ...settings });
    const flow = new Flow(new StandardNormal({ eventShape: [2] }), bijector);
    const train = draw(2048, 5, true);
    fit(flow, train.x, { ...training, context: train.context });
    for (const c of [-1, 1]) {
      const mean = tf.tidy(() =>
        tf.mean(flow.sample(1000, { seed: 6, context: tf.tensor2d([[c]]) }), 0).arraySync(),
      ) as number[];
      expect(mean[0]).toBeCloseTo(2 * c, 0);
      expect(mean[1]).toBeCloseTo(-c, 0);
    }
    const test_ = draw(1024, 7, true);
    // The conditional entropy is 2·½log(2πe·0.09) ≈ 0.43 nats; the marginal (two blobs) adds log 2.
    expect(meanNegLogProb(flow, test_.x, { context: test_.context })).toBeLessThan(1.2);
    tf.dispose([train.x, train.context, test_.x, test_.context]);
    flow.dispose();
  });
});
