// Training quality: `nsf` (coupling and autoregressive) fitted with core's `fit` on the wasm backend learns a 2-D Gaussian mixture.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { Flow, StandardNormal, hostRng } from '@bijective/core';
import { fit, meanNegLogProb } from '@bijective/train';
import { beforeAll, describe, expect, test } from 'vitest';
import { NSF } from './nsf.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** n draws of 4 Gaussians (s.d. 0.3) at (±1.5, ±1.5), inside the spline interval [-3, 3]. */
function draw(n: number, seed: number): tf.Tensor2D {
  const rng = hostRng(seed);
  const x = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = (rng.uniform() < 0.5 ? -1.5 : 1.5) + 0.3 * rng.normal();
    x[2 * i + 1] = (rng.uniform() < 0.5 ? -1.5 : 1.5) + 0.3 * rng.normal();
  }
  return tf.tensor2d(x, [n, 2]);
}

/** Fits a standard-normal-based flow of `bijector` to the mixture; the test NLL before and after, and the tensors left behind. */
function fitToMixture(bijector: NSF, steps: number, dataSeed: number) {
  const flow = new Flow(new StandardNormal({ eventShape: [2] }), bijector);
  const train = draw(2048, dataSeed);
  const test_ = draw(1024, dataSeed + 1);
  const tensors = tf.memory().numTensors;
  const before = meanNegLogProb(flow, test_);
  const result = fit(flow, train, {
    steps,
    batchSize: 128,
    learningRate: 5e-3,
    validationFraction: 0,
    seed: 2,
  });
  const after = meanNegLogProb(flow, test_);
  const leaked = tf.memory().numTensors - tensors;
  tf.dispose([train, test_]);
  flow.dispose();
  return { before, after, result, leaked };
}

describe('training', () => {
  test('nsf fitted to a Gaussian mixture lowers the test NLL far below the start, leaking nothing', () => {
    const { before, after, result, leaked } = fitToMixture(
      new NSF({ eventShape: [2], layers: 4, hidden: [32, 32], bins: 8, seed: 1 }),
      200,
      3,
    );
    expect(result.stopReason).toBe('completed');
    expect(Number.isFinite(result.finalLoss)).toBe(true);
    expect(leaked).toBe(0);
    // N(0, I) on this data: ≈ 4.1 nats; the mixture's entropy: log 4 + log(2πe·0.09) ≈ 1.82 nats.
    expect(before).toBeGreaterThan(3.5);
    expect(after).toBeLessThan(before - 1.8);
    expect(after).toBeLessThan(2.3);
  });

  test('autoregressive nsf fitted to the mixture lowers the test NLL well below the start, leaking nothing', () => {
    const { before, after, result, leaked } = fitToMixture(
      new NSF({
        eventShape: [2],
        layers: 2,
        hidden: [32, 32],
        bins: 8,
        transform: 'autoregressive',
        seed: 1,
      }),
      150,
      5,
    );
    expect(result.stopReason).toBe('completed');
    expect(Number.isFinite(result.finalLoss)).toBe(true);
    expect(leaked).toBe(0);
    expect(before).toBeGreaterThan(3.5);
    expect(after).toBeLessThan(before - 1.5);
    expect(after).toBeLessThan(2.4);
  });
});
