// Behaviour of the glow flow and its image bijectors beyond the conformance kit: actnorm's
// data-dependent initialisation (and that a loaded model keeps it), bounded scales, model files,
// the multi-scale latents, training without leaks, and errors naming bad options.
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/test-support/wasm';
import '@tensorflow/tfjs-backend-wasm';
import '@bijective/engine/gradients';
import * as tf from '@tensorflow/tfjs-core';
import { Flow, OptionError, ShapeError, StandardNormal, create } from '@bijective/core';
import { bitsPerDim, logitTransform } from '@bijective/datasets';
import { reloadFlow } from '@bijective/testing';
import { fit } from '@bijective/train';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  ActNorm,
  Glow,
  GlowCoupling,
  LogitTransform,
  SplitPrior,
  squeeze2x2,
  unsqueeze2x2,
} from './index.js';
import { perturbed } from './test-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => tf.disposeVariables());

/** `n` random "images" in [0, 1) of `[h, w, c]`, flattened, with structure (a smooth blob + noise). */
function images(n: number, [h, w, c]: [number, number, number], seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const noise = tf.randomUniform([n, h, w, c], 0, 0.3, 'float32', seed);
    const rows = tf.reshape(tf.linspace(0, 0.6, h), [1, h, 1, 1]);
    return tf.reshape(tf.clipByValue(tf.add(noise, rows), 0, 0.999), [n, h * w * c]) as tf.Tensor2D;
  });
}

const glowFlow = (options: Partial<ConstructorParameters<typeof Glow>[0]> = {}) => {
  const glow = new Glow({
    imageShape: [4, 4, 1],
    levels: 2,
    stepsPerLevel: 2,
    hiddenChannels: 8,
    seed: 3,
    ...options,
  });
  return new Flow(new StandardNormal({ eventShape: [...glow.eventShape] }), glow);
};

describe('actnorm', () => {
  test('the first training call initialises it: per-channel zero mean and unit variance, flag saved', () => {
    const actnorm = new ActNorm({ eventShape: [3, 3, 2] });
    const y = tf.add(tf.mul(tf.randomNormal([64, 3, 3, 2], 0, 1, 'float32', 1), [2, 0.5]), [5, -1]);
    expect(actnorm.isInitialised()).toBe(false);
    // Eval mode leaves it the identity.
    const before = actnorm.inverse(y);
    expect(tf.max(tf.abs(tf.sub(before, y))).dataSync()[0]).toBe(0);
    const { value, logDet } = actnorm.inverseAndLogDet(y, { training: true });
    expect(actnorm.isInitialised()).toBe(true);
    const { mean, variance } = tf.moments(value, [0, 1, 2]);
    for (const m of mean.dataSync()) expect(Math.abs(m)).toBeLessThan(1e-4);
    for (const v of variance.dataSync()) expect(v).toBeCloseTo(1, 3);
    // log|det| = h·w·Σ ℓ with ℓ ≈ −log std: 9·(−log 2 − log 0.5) = 0 up to sampling, per row equal.
    const ld = logDet.dataSync();
    expect(ld[0]).toBeCloseTo(9 * tf.sum(actnorm.logScale).dataSync()[0]!, 4);
    expect(actnorm.initialised.dataSync()[0]).toBe(1);
    // A second training batch does not re-initialise.
    const scale = Array.from(actnorm.logScale.dataSync());
    actnorm.inverse(tf.mul(y, 10), { training: true });
    expect(Array.from(actnorm.logScale.dataSync())).toEqual(scale);
    actnorm.dispose();
  });

  test('a loaded model keeps its initialisation and is not re-initialised by training', async () => {
    const flow = glowFlow();
    const x = images(32, [4, 4, 1], 1);
    tf.tidy(() => flow.logProb(x, { training: true })); // initialises every actnorm
    const { flow: loaded } = await reloadFlow(flow);
    expect(loaded.bijector.getConfig()).toEqual(flow.bijector.getConfig());
    const [a, b] = [flow, loaded].map((f) => tf.tidy(() => Array.from(f.logProb(x).dataSync())));
    expect(b).toEqual(a);
    // Training-mode calls on other data must not re-run the initialisation of the loaded actnorms.
    const other = images(8, [4, 4, 1], 9);
    const c = tf.tidy(() => Array.from(loaded.logProb(other, { training: true }).dataSync()));
    const d = tf.tidy(() => Array.from(flow.logProb(other).dataSync()));
    for (let i = 0; i < c.length; i++) expect(c[i]).toBeCloseTo(d[i] as number, 3);
    flow.dispose();
    loaded.dispose();
  });
});

describe('bounded scales', () => {
  test("the coupling's scale sigmoid(h + 2) stays in (0, 1) and log-dets stay finite for huge conditioner outputs", () => {
    const coupling = perturbed(
      new GlowCoupling({ eventShape: [2, 2, 2], hiddenChannels: 4, seed: 1 }),
      1,
      50,
    );
    const y = tf.mul(tf.randomNormal([4, 2, 2, 2], 0, 1, 'float32', 2), 100);
    const { value, logDet } = coupling.inverseAndLogDet(y);
    for (const v of logDet.dataSync()) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeLessThanOrEqual(0); // every scale < 1 in the density direction
    }
    expect(tf.all(tf.isFinite(value)).dataSync()[0]).toBe(1);
  });

  test("the split prior's log σ is bounded by ±3 however large the conditioner output", () => {
    const prior = perturbed(new SplitPrior({ eventShape: [2, 2, 4] }), 1, 100);
    const y = tf.mul(tf.randomNormal([3, 2, 2, 4], 0, 1, 'float32', 3), 100);
    for (const v of prior.inverseAndLogDet(y).logDet.dataSync()) {
      expect(Math.abs(v)).toBeLessThanOrEqual(3 * 2 * 2 * 2 + 1e-3);
    }
  });
});

describe('glow flow', () => {
  test('one latent per level: shapes and splitLatents', () => {
    const glow = new Glow({ imageShape: [8, 8, 1], levels: 3, stepsPerLevel: 1, hiddenChannels: 4, seed: 0 });
    expect(glow.latentShapes).toEqual([
      [4, 4, 2],
      [2, 2, 4],
      [1, 1, 16],
    ]);
    const parts = glow.splitLatents(tf.zeros([2, 64]));
    expect(parts.map((p) => p.shape)).toEqual([
      [2, 4, 4, 2],
      [2, 2, 2, 4],
      [2, 1, 1, 16],
    ]);
  });

  test('squeeze and unsqueeze are inverse permutations of the pixels', () => {
    const x = tf.reshape(tf.range(0, 32), [1, 4, 4, 2]);
    const s = squeeze2x2(x);
    expect(s.shape).toEqual([1, 2, 2, 8]);
    // The first squeezed pixel holds the top-left 2x2 block, channels interleaved.
    expect(Array.from(s.dataSync().slice(0, 8))).toEqual([0, 1, 2, 3, 8, 9, 10, 11]);
    expect(Array.from(unsqueeze2x2(s).dataSync())).toEqual(Array.from(x.dataSync()));
  });

  test("the logit pre-transform matches the datasets package's host formula", () => {
    const y = [0, 0.25, 0.5, 0.999, 0.1, 0.7];
    const host = logitTransform(y, 3, 0.05);
    const t = new LogitTransform({ eventShape: [3], alpha: 0.05 }).inverseAndLogDet(tf.tensor2d(y, [2, 3]));
    Array.from(t.value.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(host.value[i] as number, 4));
    Array.from(t.logDet.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(host.logDet[i] as number, 3));
  });

  test('fit trains it on cpu and wasm: the NLL falls, no tensor leaks across steps, bits/dim finite', async () => {
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const flow = glowFlow();
      const x = images(256, [4, 4, 1], 4);
      const before = -tf.tidy(() => tf.mean(flow.logProb(x)).dataSync()[0] as number);
      const counts: number[] = [];
      const result = fit(flow, x, {
        steps: 30,
        batchSize: 32,
        learningRate: 3e-3,
        validationFraction: 0,
        onProgress: () => counts.push(tf.memory().numTensors),
      });
      expect(new Set(counts.slice(2)).size).toBe(1); // numTensors stable across steps
      const after = -tf.tidy(() => tf.mean(flow.logProb(x)).dataSync()[0] as number);
      expect(Number.isFinite(result.finalLoss)).toBe(true);
      expect(after).toBeLessThan(before - 1);
      expect(Number.isFinite(bitsPerDim(after, 16))).toBe(true);
      flow.dispose();
      x.dispose();
    }
    await tf.setBackend('cpu');
  }, 60_000);

  test('temperature sampling: scaled base draws map to images in [0, 1]', () => {
    const flow = glowFlow();
    const z = tf.mul(flow.base.sample(5, { seed: 1 }), 0.7);
    const x = flow.bijector.forward(z);
    expect(x.shape).toEqual([5, 16]);
    expect(tf.min(x).dataSync()[0]).toBeGreaterThanOrEqual(-0.06);
    expect(tf.max(x).dataSync()[0]).toBeLessThanOrEqual(1.06);
    flow.dispose();
  });

  test('registered as a flow; bad options fail with errors naming them', () => {
    const glow = create('bijector', 'glow', {
      imageShape: [4, 4, 1],
      levels: 1,
      stepsPerLevel: 1,
      hiddenChannels: 2,
    });
    expect(glow.eventShape).toEqual([16]);
    // 14x14 images halve once: the default is then one level.
    expect(new Glow({ imageShape: [14, 14, 1], stepsPerLevel: 1, hiddenChannels: 2 }).options.levels).toBe(1);
    expect(() => new Glow({ imageShape: [6, 6, 1], levels: 2 })).toThrow(/divisible by 4/);
    expect(() => new Glow({ imageShape: [4, 4, 1], eventShape: [15] })).toThrow(ShapeError);
    expect(() => new Glow({ imageShape: [4, 4] })).toThrow(/image shape \[height, width, channels\]/);
    expect(() => new Glow({ imageShape: [4, 4, 1], coupling: 'spline' as never })).toThrow(OptionError);
    expect(() => new Glow({ imageShape: [4, 4, 1], hiddenChannels: 0 })).toThrow(/hiddenChannels/);
    expect(() => new Glow({ imageShape: [4, 4, 1], levles: 2 } as never)).toThrow(/unknown option 'levles'/);
    expect(() => new GlowCoupling({ eventShape: [2, 2, 1] })).toThrow(/at least 2 channels/);
    expect(() => glow.inverse(tf.zeros([2, 15]))).toThrow(ShapeError);
    glow.dispose();
  });
});
