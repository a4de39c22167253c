// Variational inference with the planar package: the full-covariance Gaussian baseline on a
// logistic-regression posterior whose evidence is known by quadrature, planar and radial flows on
// U1 by reverse KL, and a conditional (amortised) planar flow.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { beforeAll, describe, expect, test } from 'vitest';
import { Flow, StandardNormal, create, hostRng } from '@bijective/core';
import { evaluateVariational, fitVariational } from '@bijective/train';
import { Planar } from './planar.js';
import { logIntegral } from './targets/quadrature.js';
import { fullCovarianceGaussian } from './variational/gaussian.js';
import './index.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** n rows of 2 features ~ N(0, 1) with labels ~ Bernoulli(σ(1.5 x1 − x2)). */
function logisticData(n: number, seed: number): { features: number[][]; labels: number[] } {
  const rng = hostRng(seed);
  const features = Array.from({ length: n }, () => [rng.normal(), rng.normal()]);
  const labels = features.map(([a, b]) => (rng.uniform() < 1 / (1 + Math.exp(-(1.5 * a! - b!))) ? 1 : 0));
  return { features, labels };
}

describe('variational inference', () => {
  test('the Gaussian baseline on a logistic-regression posterior: ELBO ≤ log evidence (by quadrature), close', () => {
    const posterior = create('target', 'logistic-regression', {
      ...logisticData(150, 1),
      intercept: false,
      standardize: false,
    });
    expect(posterior.eventShape).toEqual([2]);
    expect(posterior.logNormalizer).toBeNull();
    const box = [
      [-4, 6],
      [-6, 4],
    ] as const;
    const logEvidence = logIntegral((x) => posterior.logDensity(x), box, 400);
    const gaussian = fullCovarianceGaussian(2, { seed: 3 });
    const result = fitVariational(gaussian, posterior, {
      steps: 600,
      batchSize: 128,
      learningRate: 2e-2,
      seed: 4,
      logNormalizer: logEvidence,
      evaluationSamples: 8192,
    });
    // A 150-row posterior is nearly Gaussian: the bound is tight, the importance weights even.
    expect(result.elbo).toBeLessThan(logEvidence + 4 * result.elboStandardError);
    expect(result.kl as number).toBeLessThan(0.03);
    expect(result.ess).toBeGreaterThan(0.9);
    expect(Math.abs(result.logNormalizerEstimate - logEvidence)).toBeLessThan(0.01);
    gaussian.dispose();
    posterior.dispose();
  });

  test('planar and radial flows fitted to U1 by reverse KL: the KL falls far below the start', () => {
    for (const name of ['planar', 'radial'] as const) {
      const target = create('target', 'u1', {});
      const flow = new Flow(
        new StandardNormal({ eventShape: [2] }),
        create('bijector', name, { eventShape: [2], layers: 8, seed: 1 }),
      );
      const before = evaluateVariational(flow, target, { samples: 4096, seed: 9 });
      const result = fitVariational(flow, target, {
        steps: 400,
        batchSize: 256,
        learningRate: 1e-2,
        seed: 2,
      });
      expect(result.kl).not.toBeNull();
      expect(result.kl as number).toBeLessThan(Math.min(1.6, (before.kl as number) - 1));
      expect(result.elbo).toBeCloseTo((target.logNormalizer as number) - (result.kl as number), 10);
      flow.dispose();
    }
  });

  test('a conditional planar flow learns p(x | c) = N((2c, −c), 0.5²I) for every context at once', () => {
    const bijector = new Planar({ eventShape: [2], layers: 8, contextShape: [1], hidden: [16], seed: 5 });
    const flow = new Flow(new StandardNormal({ eventShape: [2] }), bijector);
    const logTarget = (x: tf.Tensor, c: tf.Tensor) =>
      tf.mul(-2, tf.sum(tf.square(tf.sub(x, tf.concat([tf.mul(2, c), tf.neg(c)], 1))), 1));
    const optimiser = tf.train.adam(1e-2);
    for (let step = 0; step < 500; step++) {
      tf.tidy(() => {
        const c = tf.sub(
          tf.mul(2, tf.cast(tf.greater(tf.randomUniform([128, 1], 0, 1, 'float32', step), 0.5), 'float32')),
          1,
        );
        optimiser.minimize(
          () => {
            const { value, logProb } = flow.sampleAndLogProb(128, { seed: step, context: c });
            return tf.mean(tf.sub(logProb, logTarget(value, c))) as tf.Scalar;
          },
          false,
          bijector.trainableVariables as tf.Variable[],
        );
      });
    }
    for (const c of [-1, 1]) {
      const mean = tf.tidy(() =>
        tf.mean(flow.sample(2000, { seed: 7, context: tf.tensor2d([[c]]) }), 0).arraySync(),
      ) as number[];
      expect(Math.abs(mean[0]! - 2 * c)).toBeLessThan(0.25);
      expect(Math.abs(mean[1]! + c)).toBeLessThan(0.25);
    }
    optimiser.dispose();
    flow.dispose();
  });
});
