import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, test } from 'vitest';
import '@bijective/engine/gradients';
import { Affine, StandardNormal, ValueError, Flow, type Target } from '@bijective/core';
import { evaluateVariational, metricsOfLogWeights } from './variational-metrics.js';

/** N(m, s²) per axis as a target with a constant c added to its log-density: log Z = c. */
function gaussianTarget(m: number, s: number, c: number): Target {
  return {
    name: 'test/gaussian',
    eventShape: [2],
    logNormalizer: c,
    logDensity: (x) =>
      tf.tidy(() =>
        tf.add(
          tf.sum(
            tf.sub(
              tf.mul(-0.5, tf.square(tf.div(tf.sub(x, m), s))),
              Math.log(s) + 0.5 * Math.log(2 * Math.PI),
            ),
            1,
          ),
          c,
        ),
      ),
    getConfig: () => ({ name: 'test/gaussian', options: {} }),
    dispose: () => {},
  };
}

describe('variational metrics', () => {
  test('log-weights: ELBO is their mean, ESS (Σw)²/(nΣw²), the log Z estimate log mean w', () => {
    const logW = [0, Math.log(3), 0, Math.log(3)]; // w = 1, 3, 1, 3
    const m = metricsOfLogWeights(logW, 2);
    expect(m.elbo).toBeCloseTo(Math.log(3) / 2, 12);
    expect(m.kl).toBeCloseTo(2 - Math.log(3) / 2, 12);
    expect(m.ess).toBeCloseTo(64 / (4 * 20), 12);
    expect(m.logNormalizerEstimate).toBeCloseTo(Math.log(2), 12);
    // Huge log-weights neither overflow nor lose the ratio.
    expect(metricsOfLogWeights(logW.map((v) => v + 1e4)).ess).toBeCloseTo(0.8, 12);
    expect(metricsOfLogWeights(logW).kl).toBeNull();
    expect(metricsOfLogWeights([-Infinity, -Infinity], 0)).toMatchObject({ ess: 0, kl: Infinity });
    expect(() => metricsOfLogWeights([0, NaN])).toThrow(ValueError);
  });

  test('q = p gives KL 0 and ESS 1; a wider q a positive KL equal to the closed form', () => {
    const exact = new Flow(
      new StandardNormal({ eventShape: [2] }),
      new Affine({ eventShape: [2], shift: 1, scale: 0.5 }),
    );
    const before = tf.memory().numTensors;
    const same = evaluateVariational(exact, gaussianTarget(1, 0.5, 3), {
      samples: 3000,
      batchSize: 1000,
      seed: 4,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(same.kl).toBeCloseTo(0, 4);
    expect(same.ess).toBeCloseTo(1, 5);
    expect(same.elbo).toBeCloseTo(3, 4);
    expect(same.samples).toBe(3000);
    // q = N(1, 1) per axis against p = N(1, 0.25): KL = 2·(log(s_p/s_q) + s_q²/(2 s_p²) − 1/2).
    const wide = new Flow(
      new StandardNormal({ eventShape: [2] }),
      new Affine({ eventShape: [2], shift: 1, scale: 1 }),
    );
    const kl = 2 * (Math.log(0.5) + 1 / (2 * 0.25) - 0.5);
    const m = evaluateVariational(wide, gaussianTarget(1, 0.5, 3), { samples: 20000, seed: 5 });
    expect(Math.abs((m.kl as number) - kl)).toBeLessThan(4 * m.elboStandardError);
    expect(m.ess).toBeLessThan(0.9);
    // An explicit log Z overrides the target's.
    expect(
      evaluateVariational(wide, gaussianTarget(1, 0.5, 3), { samples: 100, logNormalizer: null }).kl,
    ).toBeNull();
    exact.dispose();
    wide.dispose();
  });
});
