// Training: MAF and IAF fitted with core's `fit` on a 2-D toy (a banana: x₂ = x₁²/2 + noise) lower
// the test NLL well below its start, on the wasm backend.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { Flow, StandardNormal, createByName, hostRng } from '@bijective/core';
import { fit, meanNegLogProb } from '@bijective/train';
import { beforeAll, describe, expect, test } from 'vitest';
import './index.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** n draws of x₁ ~ N(0, 1.5²), x₂ = x₁²/2 - 2 + 0.25·ε: a curved, strongly dependent density. */
function banana(n: number, seed: number): tf.Tensor2D {
  const rng = hostRng(seed);
  const x = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const a = 1.5 * rng.normal();
    x[2 * i] = a;
    x[2 * i + 1] = (a * a) / 2 - 2 + 0.25 * rng.normal();
  }
  return tf.tensor2d(x, [n, 2]);
}

describe('training', () => {
  for (const name of ['maf', 'iaf'] as const) {
    test(`${name} fitted to a banana lowers the test NLL far below the start, without leaking`, () => {
      const train = banana(2048, 1);
      const heldOut = banana(1024, 2);
      const before = tf.memory().numTensors;
      const flow = new Flow(
        new StandardNormal({ eventShape: [2] }),
        createByName('bijector', name, { eventShape: [2], layers: 4, hidden: [32, 32], seed: 3 }),
      );
      const start = meanNegLogProb(flow, heldOut);
      fit(flow, train, { steps: 250, batchSize: 128, learningRate: 5e-3, validationFraction: 0, seed: 4 });
      const end = meanNegLogProb(flow, heldOut);
      // N(0, I) on this data ≈ 4.6 nats; the banana's entropy: ½log(2πe·2.25) + ½log(2πe·0.0625) ≈ 1.86 nats.
      expect(start).toBeGreaterThan(4);
      expect(end).toBeLessThan(start - 2.2);
      expect(end).toBeLessThan(2.3);
      // Samples (sequential for MAF, parallel for IAF) follow the curve: residual x₂ - x₁²/2 + 2 is small.
      const residual = tf.tidy(() => {
        const [a, b] = tf.split(flow.sample(1000, { seed: 5 }), 2, 1) as [tf.Tensor, tf.Tensor];
        return tf.mean(tf.square(tf.add(tf.sub(b, tf.div(tf.square(a), 2)), 2))).dataSync()[0] as number;
      });
      expect(residual).toBeLessThan(0.3);
      flow.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([train, heldOut]);
    });
  }
});
