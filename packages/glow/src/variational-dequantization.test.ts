// Variational dequantisation (Ho et al. 2019): q(u | x) is a normalised density whose sampled
// log-density matches its evaluated one; the Glow objective is the ELBO, its gradients reach the
// dequantiser and match finite differences; training lowers it without leaks; the
// importance-weighted bound tightens with K; model files keep the dequantiser's weights.
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/engine/gradients';
import * as tf from '@tensorflow/tfjs-core';
import { Chain, Flow, OptionError, StandardNormal } from '@bijective/core';
import { reloadFlow } from '@bijective/testing';
import { fit } from '@bijective/train';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { Glow, VariationalDequantizer, binCorners, variationalGlow, variationalLogProb } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => tf.disposeVariables());

/** Moves every variable off its initial value (zero-initialised layers then do something). */
function perturb(variables: readonly tf.Variable[], seed: number, std = 0.3): void {
  variables.forEach((v, i) =>
    tf.tidy(() => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, std, 'float32', seed * 101 + i)))),
  );
}

/** `n` 4x4 8-bit images, uniformly dequantised to [0, 1): a ramp plus noise. */
function images(n: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const levels = tf.floor(
      tf.add(tf.randomUniform([n, 16], 0, 80, 'float32', seed), tf.linspace(0, 150, 16)),
    );
    return tf.div(tf.add(levels, tf.randomUniform([n, 16], 0, 1, 'float32', seed + 1)), 256) as tf.Tensor2D;
  });
}

const variationalFlow = () => {
  const glow = new Glow({
    imageShape: [4, 4, 1],
    levels: 1,
    stepsPerLevel: 2,
    hiddenChannels: 8,
    dequantization: 'variational',
    seed: 5,
  });
  return new Flow(new StandardNormal({ eventShape: [16] }), glow);
};

describe('variational dequantisation', () => {
  test('q(u | x) integrates to 1 and its sampled log-density equals the evaluated one', () => {
    const q = new VariationalDequantizer([1, 1, 1], 4, 1);
    perturb(q.variables, 2, 0.3);
    const corners = tf.tensor2d([[0.2]]);
    // ∫_0^1 q(u) du on a fine grid in logit space: u = sigmoid(a), du = sigmoid'(a) da.
    const a = tf.linspace(-15, 15, 60001);
    const u = tf.reshape(tf.sigmoid(a), [-1, 1]);
    const density = tf.exp(q.logDensity(tf.tile(corners, [60001, 1]), u));
    const integral = tf.sum(
      tf.mul(tf.mul(density, tf.mul(tf.sigmoid(a), tf.sigmoid(tf.neg(a)))), 30 / 60000),
    );
    expect(integral.dataSync()[0]).toBeCloseTo(1, 3);
    const batch = tf.tensor2d([0.1, 0.5, 0.9, 0.3], [2, 2]);
    const q2 = new VariationalDequantizer([1, 2, 1], 4, 3);
    perturb(q2.variables, 4, 0.8);
    const drawn = q2.sample(batch, 7);
    const u2 = Array.from(drawn.u.dataSync());
    expect(u2.every((v) => v > 0 && v < 1)).toBe(true);
    const again = Array.from(q2.logDensity(batch, drawn.u).dataSync());
    // Equal up to float32 rounding of logit(sigmoid(a)).
    Array.from(drawn.logQ.dataSync()).forEach((v, i) =>
      expect(Math.abs(v - (again[i] as number))).toBeLessThan(5e-3 * Math.max(1, Math.abs(v))),
    );
    q.dispose();
    q2.dispose();
  });

  test('the objective is −mean[log p(x + u) − log q(u | x)]; its gradients reach the dequantiser and match finite differences', () => {
    const flow = variationalFlow();
    const glow = flow.bijector as Glow;
    const y = images(16, 1);
    flow.trainingLoss(y, { seed: 3 }).dispose(); // actnorm initialises from the first training batch
    perturb(glow.variables, 6, 0.05);
    const corners = binCorners(y);
    // The objective by hand with the same draws.
    const { u, logQ } = glow.dequantizer!.sample(corners, 9);
    const byHand = -tf.mean(tf.sub(flow.logProb(tf.add(corners, tf.div(u, 256))), logQ)).dataSync()[0]!;
    const loss = (): tf.Scalar => flow.trainingLoss(y, { seed: 9 });
    expect(loss().dataSync()[0]).toBeCloseTo(byHand, 3);
    const dq = glow.dequantizer!.variables;
    const { grads } = tf.variableGrads(loss, [...dq]);
    const last = dq[dq.length - 2]!; // the zero convolution's bias: μ and log σ of each channel
    const g = grads[last.name]!.dataSync();
    expect(Math.max(...Array.from(g, Math.abs))).toBeGreaterThan(1e-3);
    const h = 1e-2;
    for (const i of [0, 1]) {
      const at = (delta: number) => {
        const saved = last.clone();
        last.assign(tf.add(last, tf.mul(tf.reshape(tf.oneHot([i], 2), [2]), delta)));
        const v = loss().dataSync()[0]!;
        last.assign(saved);
        saved.dispose();
        return v;
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs(numeric - g[i]!)).toBeLessThan(0.05 * Math.abs(g[i]!) + 2e-3);
    }
    flow.dispose();
  });

  test('fit lowers the bound without leaks; and the K-sample bound is at least as tight', () => {
    const flow = variationalFlow();
    const x = images(256, 2);
    const counts: number[] = [];
    const before = -tf.mean(variationalLogProb(flow, x, { samples: 1, seed: 1 })).dataSync()[0]!;
    fit(flow, x, {
      steps: 60,
      batchSize: 64,
      learningRate: 3e-3,
      validationFraction: 0,
      onProgress: () => counts.push(tf.memory().numTensors),
    });
    expect(new Set(counts.slice(2)).size).toBe(1);
    const bound = (k: number) =>
      -tf.mean(variationalLogProb(flow, x, { samples: k, seed: 1 })).dataSync()[0]!;
    const [one, eight] = [bound(1), bound(8)];
    expect(one).toBeLessThan(before - 1);
    expect(eight).toBeLessThanOrEqual(one + 1e-3);
    expect(() => variationalLogProb(flow, x, { samples: 0 })).toThrow(OptionError);
    flow.dispose();
  });

  test('model files keep the dequantiser: a loaded flow gives the same bound', async () => {
    const flow = variationalFlow();
    const y = images(8, 3);
    flow.trainingLoss(y, { seed: 1 }).dispose();
    perturb((flow.bijector as Glow).variables, 8, 0.05);
    const { flow: loaded } = await reloadFlow(flow);
    expect(JSON.stringify(loaded.bijector.getConfig())).toContain('"dequantization":"variational"');
    expect(loaded.bijector.variables.length).toBe(flow.bijector.variables.length);
    const a = variationalLogProb(flow, y, { samples: 2, seed: 4 }).dataSync();
    const b = variationalLogProb(loaded, y, { samples: 2, seed: 4 }).dataSync();
    Array.from(a).forEach((v, i) => expect(b[i]).toBeCloseTo(v, 3));
    expect(variationalGlow(new Chain([loaded.bijector]))).toBe(loaded.bijector);
    flow.dispose();
    loaded.dispose();
  });

  test('a uniform Glow has no dequantiser, no own objective, and variationalLogProb refuses it', () => {
    const glow = new Glow({ imageShape: [4, 4, 1], levels: 1, stepsPerLevel: 1, hiddenChannels: 2 });
    expect([glow.dequantizer, glow.trainingLoss]).toEqual([null, undefined]);
    const flow = new Flow(new StandardNormal({ eventShape: [16] }), glow);
    expect(() => variationalLogProb(flow, tf.zeros([1, 16]))).toThrow(
      /no Glow with dequantization 'variational'/,
    );
    expect(() => new Glow({ imageShape: [4, 4, 1], dequantization: 'learned' as never })).toThrow(
      OptionError,
    );
    flow.dispose();
  });
});
