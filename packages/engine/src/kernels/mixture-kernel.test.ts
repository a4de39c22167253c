// Core's gaussian-mixture log-density as the engine's wasm host kernels (forward and backward, one
// each) against the op-by-op density differentiated by autodiff: values and every gradient agree,
// nothing leaks, and cpu keeps tfjs's ops.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/test-support/wasm';
import '../tfjs/gradients.js';
import { GaussianMixture, MIXTURE_LOG_DENSITY_KERNEL, gaussianLogDensity } from '@bijective/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import './index.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** The mixture's log-density from the ops one by one (autodiff differentiates each). */
function reference(x: tf.Tensor, logits: tf.Tensor, means: tf.Tensor, logScales: tf.Tensor): tf.Tensor {
  const perComponent = tf.sum(gaussianLogDensity(tf.expandDims(x, 1), means, logScales), 2);
  return tf.logSumExp(tf.add(perComponent, tf.logSoftmax(logits)), 1);
}

test('registered for wasm only', () => {
  expect(tf.getKernel(MIXTURE_LOG_DENSITY_KERNEL, 'wasm')).toBeDefined();
  expect(tf.getKernel(MIXTURE_LOG_DENSITY_KERNEL, 'cpu')).toBeUndefined();
});

test('value and every gradient match autodiff of the op-by-op density, as two kernels', async () => {
  const mixture = new GaussianMixture({ eventShape: [3], components: 5, seed: 2 });
  mixture.logits.assign(tf.randomNormal([5], 0, 1, 'float32', 2));
  mixture.means.assign(tf.randomNormal([5, 3], 0, 1, 'float32', 3));
  mixture.logScales.assign(tf.randomNormal([5, 3], 0, 0.5, 'float32', 4));
  const x = tf.variable(tf.randomNormal([37, 3], 0, 2, 'float32', 1));
  const upstream = tf.randomUniform([37], 0.1, 2, 'float32', 5);
  const variables = [x, ...mixture.variables];
  const loss = (f: (x: tf.Tensor) => tf.Tensor) => () => tf.sum(tf.mul(f(x), upstream)) as tf.Scalar;
  const ourLoss = loss((v) => mixture.logProb(v));
  const theirLoss = loss((v) => reference(v, mixture.logits, mixture.means, mixture.logScales));
  const before = tf.memory().numTensors;
  const ours = tf.variableGrads(ourLoss, variables);
  expect(tf.memory().numTensors).toBe(before + 5); // the loss and four gradients, nothing else
  const theirs = tf.variableGrads(theirLoss, variables);
  for (const v of variables) {
    const a = (ours.grads[v.name] as tf.Tensor).dataSync();
    const b = (theirs.grads[v.name] as tf.Tensor).dataSync();
    expect(a.length).toBe(v.size);
    a.forEach((value, j) => expect(value).toBeCloseTo(b[j] as number, 3));
  }
  const value = mixture.logProb(x);
  const expected = tf.tidy(() => reference(x, mixture.logits, mixture.means, mixture.logScales));
  const want = expected.dataSync();
  value.dataSync().forEach((v, j) => expect(v).toBeCloseTo(want[j] as number, 4));
  const profile = await tf.profile(() => {
    const step = tf.variableGrads(ourLoss, variables);
    tf.dispose([step.value, ...Object.values(step.grads)]);
  });
  expect(profile.kernelNames.filter((k) => k.startsWith(MIXTURE_LOG_DENSITY_KERNEL))).toEqual([
    MIXTURE_LOG_DENSITY_KERNEL,
    `${MIXTURE_LOG_DENSITY_KERNEL}Grad`,
  ]);
  tf.dispose([ours.value, theirs.value, ...Object.values(ours.grads), ...Object.values(theirs.grads)]);
  tf.dispose([value, expected, x, upstream]);
  mixture.dispose();
});
