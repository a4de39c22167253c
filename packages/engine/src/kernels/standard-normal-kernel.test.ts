// Core's standard normal log-density plus a log-det as the engine's wasm host kernel against float64
// and against tfjs's ops (cpu keeps them): values, gradients through it, one kernel, nothing leaked.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/test-support/wasm';
import '../tfjs/gradients.js';
import { HALF_LOG_TWO_PI, STANDARD_NORMAL_LOG_DENSITY_KERNEL, StandardNormal } from '@bijective/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import './index.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

test('registered for wasm only', () => {
  expect(tf.getKernel(STANDARD_NORMAL_LOG_DENSITY_KERNEL, 'wasm')).toBeDefined();
  expect(tf.getKernel(STANDARD_NORMAL_LOG_DENSITY_KERNEL, 'cpu')).toBeUndefined();
});

test.each([[[5]], [[3, 2]]])(
  'logProbPlus (event %j) is one kernel equal to float64 and to logProb + logDet; gradients match the ops',
  async (eventShape) => {
    const base = new StandardNormal({ eventShape });
    const z = tf.variable(tf.randomNormal([37, ...eventShape], 0, 2, 'float32', 1));
    const logDet = tf.variable(tf.randomNormal([37], 0, 3, 'float32', 2));
    const zs = z.dataSync();
    const ld = logDet.dataSync();
    const d = z.size / 37;
    const value = base.logProbPlus(z, logDet);
    value.dataSync().forEach((v, r) => {
      let q = 0;
      for (let i = 0; i < d; i++) q += (zs[r * d + i] as number) ** 2;
      const want = (ld[r] as number) - 0.5 * q - d * HALF_LOG_TWO_PI;
      expect(Math.abs(v - want)).toBeLessThan(2e-7 * Math.max(1, Math.abs(want)));
    });
    const upstream = tf.randomUniform([37], 0.1, 2, 'float32', 5);
    const loss = (f: () => tf.Tensor) => () => tf.sum(tf.mul(f(), upstream)) as tf.Scalar;
    const before = tf.memory().numTensors;
    const ours = tf.variableGrads(
      loss(() => base.logProbPlus(z, logDet)),
      [z, logDet],
    );
    expect(tf.memory().numTensors).toBe(before + 3); // the loss and two gradients
    const theirs = tf.variableGrads(
      loss(() => tf.add(base.logProb(z), logDet)),
      [z, logDet],
    );
    for (const v of [z, logDet]) {
      const want = (theirs.grads[v.name] as tf.Tensor).dataSync();
      (ours.grads[v.name] as tf.Tensor)
        .dataSync()
        .forEach((g, j) => expect(g).toBeCloseTo(want[j] as number, 5));
    }
    const profile = await tf.profile(() => tf.dispose(base.logProbPlus(z, logDet)));
    expect(profile.kernelNames.filter((k) => k !== 'Reshape')).toEqual([STANDARD_NORMAL_LOG_DENSITY_KERNEL]);
    tf.dispose([
      value,
      upstream,
      ours.value,
      theirs.value,
      ...Object.values(ours.grads),
      ...Object.values(theirs.grads),
    ]);
    tf.dispose([z, logDet]);
  },
);

test('on cpu, logProbPlus is logProb + logDet by tfjs ops', async () => {
  await tf.setBackend('cpu');
  const base = new StandardNormal({ eventShape: [2] });
  const z = tf.tensor2d([
    [1, 2],
    [0, -1],
  ]);
  const logDet = tf.tensor1d([0.5, -0.25]);
  const got = base.logProbPlus(z, logDet).dataSync();
  expect(got[0]).toBeCloseTo(0.5 - 2.5 - 2 * HALF_LOG_TWO_PI, 6);
  expect(got[1]).toBeCloseTo(-0.25 - 0.5 - 2 * HALF_LOG_TWO_PI, 6);
  tf.dispose([z, logDet]);
  await tf.setBackend('wasm');
});
