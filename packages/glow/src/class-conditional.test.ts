// Class-conditional Glow (Kingma & Dhariwal 2018, §5): a one-hot context conditions every level's
// prior, so the log-likelihood depends on the label, training on labelled images makes the right
// label the likelier one, sampling by class draws that class's images, and model files keep it.
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/engine/gradients';
import * as tf from '@tensorflow/tfjs-core';
import { Flow, ShapeError, StandardNormal } from '@bijective/core';
import { reloadFlow } from '@bijective/testing';
import { fit } from '@bijective/train';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { Glow, variationalLogProb } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => tf.disposeVariables());

/** `n` 4x4 images in [0, 1): class 0 dark (around 0.25), class 1 bright (around 0.7); labels alternate. */
function labelled(n: number, seed: number): { x: tf.Tensor2D; labels: number[] } {
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  const x = tf.tidy(() => {
    const level = tf.reshape(tf.tensor1d(labels.map((k) => (k === 0 ? 0.25 : 0.7))), [n, 1]);
    return tf.clipByValue(
      tf.add(level, tf.randomUniform([n, 16], -0.15, 0.15, 'float32', seed)),
      0,
      0.999,
    ) as tf.Tensor2D;
  });
  return { x, labels };
}

const oneHot = (labels: number[]) => tf.tidy(() => tf.cast(tf.oneHot(labels, 2), 'float32'));

const conditionalFlow = () => {
  const glow = new Glow({
    imageShape: [4, 4, 1],
    levels: 2,
    stepsPerLevel: 1,
    hiddenChannels: 8,
    contextShape: [2],
    seed: 1,
  });
  return new Flow(new StandardNormal({ eventShape: [16] }), glow);
};

describe('class-conditional glow', () => {
  test('training makes the log-likelihood depend on the label: the true class is the likelier one', () => {
    const flow = conditionalFlow();
    const { x, labels } = labelled(256, 1);
    const context = oneHot(labels);
    const before = tf.tidy(() =>
      tf.sub(flow.logProb(x, { context }), flow.logProb(x, { context: oneHot(labels.map((k) => 1 - k)) })),
    );
    expect(tf.max(tf.abs(before)).dataSync()[0]).toBe(0); // zero-initialised: the label has no effect yet
    fit(flow, x, { context, steps: 80, batchSize: 64, learningRate: 5e-3, validationFraction: 0 });
    const right = flow.logProb(x, { context });
    const wrong = flow.logProb(x, { context: oneHot(labels.map((k) => 1 - k)) });
    const margin = tf.sub(right, wrong).dataSync();
    const correct = Array.from(margin).filter((m) => m > 0).length;
    expect(correct / margin.length).toBeGreaterThan(0.9);

    // Sampling by class: class-1 samples are brighter than class-0 samples.
    const mean = (k: number) =>
      tf.tidy(
        () => tf.mean(flow.sample(200, { seed: 3, context: oneHot(new Array(200).fill(k)) })).dataSync()[0]!,
      );
    expect(mean(1) - mean(0)).toBeGreaterThan(0.1); // the classes differ by 0.45; untrained, by 0
    flow.dispose();
  }, 60_000);

  test('inverse and forward agree given the context; a missing context is one clear error', () => {
    const flow = conditionalFlow();
    const glow = flow.bijector as Glow;
    glow.trainableVariables.forEach((v, i) =>
      tf.tidy(() => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.05, 'float32', i)))),
    );
    const { x, labels } = labelled(4, 2);
    const context = oneHot(labels);
    const z = glow.inverseAndLogDet(x, { context });
    const back = glow.forwardAndLogDet(z.value, { context });
    expect(tf.max(tf.abs(tf.sub(back.value, x))).dataSync()[0]).toBeLessThan(1e-4);
    expect(tf.max(tf.abs(tf.add(back.logDet, z.logDet))).dataSync()[0]).toBeLessThan(1e-3);
    expect(() => glow.inverse(x)).toThrow(ShapeError);
    expect(() => glow.inverse(x)).toThrow(/conditional/);
    expect(() => new Glow({ imageShape: [4, 4, 1], contextShape: [2, 2] })).toThrow(
      /contextShape must be \[k\]/,
    );
    flow.dispose();
  });

  test('model files keep the context shape and the prior weights', async () => {
    const flow = conditionalFlow();
    (flow.bijector as Glow).trainableVariables.forEach((v, i) =>
      tf.tidy(() => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.05, 'float32', 10 + i)))),
    );
    const { flow: loaded } = await reloadFlow(flow);
    expect(loaded.bijector.contextShape).toEqual([2]);
    const { x, labels } = labelled(6, 3);
    const context = oneHot(labels);
    const [a, b] = [flow, loaded].map((f) => Array.from(f.logProb(x, { context }).dataSync()));
    b!.forEach((v, i) => expect(v).toBeCloseTo(a![i]!, 4));
    flow.dispose();
    loaded.dispose();
  });

  test('with variational dequantisation too: the objective and the bound take the context', () => {
    const glow = new Glow({
      imageShape: [4, 4, 1],
      levels: 1,
      stepsPerLevel: 1,
      hiddenChannels: 4,
      contextShape: [2],
      dequantization: 'variational',
      seed: 2,
    });
    const flow = new Flow(new StandardNormal({ eventShape: [16] }), glow);
    const { x, labels } = labelled(8, 4);
    const context = oneHot(labels);
    expect(Number.isFinite(flow.trainingLoss(x, { context, seed: 1 }).dataSync()[0])).toBe(true);
    expect(variationalLogProb(flow, x, { context, samples: 2 }).shape).toEqual([8]);
    expect(() => variationalLogProb(flow, x)).toThrow(/conditional/);
    flow.dispose();
  });
});
