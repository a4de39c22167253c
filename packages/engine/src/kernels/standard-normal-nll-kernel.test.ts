// Core's standard normal training loss as the engine's wasm host kernels (forward and backward, one
// each) against the ops one by one differentiated by autodiff and a float64 sum: the value and both
// gradients agree, nothing leaks, a flow's training loss runs as the two kernels, and cpu keeps tfjs's ops.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@bijective/test-support/wasm';
import '../tfjs/gradients.js';
import { Affine, Flow, HALF_LOG_TWO_PI, STANDARD_NORMAL_NLL_KERNEL, StandardNormal } from '@bijective/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import './index.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

test('registered for wasm only', () => {
  expect(tf.getKernel(STANDARD_NORMAL_NLL_KERNEL, 'wasm')).toBeDefined();
  expect(tf.getKernel(STANDARD_NORMAL_NLL_KERNEL, 'cpu')).toBeUndefined();
});

test.each([[[3]], [[2, 3]]])(
  'event %j: value and both gradients match the ops and float64, as two kernels',
  async (event) => {
    const base = new StandardNormal({ eventShape: event });
    const z = tf.variable(tf.randomNormal([37, ...event], 0, 2, 'float32', 1));
    const logDet = tf.variable(tf.randomNormal([37], 0, 3, 'float32', 2));
    const scale = tf.scalar(1.7);
    const ours = () => tf.mul(base.negMeanLogProb(z, logDet), scale) as tf.Scalar;
    const theirs = () => tf.mul(tf.neg(tf.mean(tf.add(base.logProb(z), logDet))), scale) as tf.Scalar;
    const before = tf.memory().numTensors;
    const a = tf.variableGrads(ours, [z, logDet]);
    expect(tf.memory().numTensors).toBe(before + 3); // the loss and two gradients, nothing else
    const b = tf.variableGrads(theirs, [z, logDet]);
    const zs = z.dataSync();
    const ls = logDet.dataSync();
    let want = 0;
    const d = zs.length / 37;
    for (let r = 0; r < 37; r++) {
      let q = 0;
      for (let j = 0; j < d; j++) q += (zs[r * d + j] as number) ** 2;
      want -= -0.5 * q - d * HALF_LOG_TWO_PI + (ls[r] as number);
    }
    want = (1.7 * want) / 37;
    expect(Math.abs((a.value.dataSync()[0] as number) - want)).toBeLessThan(1e-6 * Math.abs(want) + 1e-6);
    expect(a.value.dataSync()[0]).toBeCloseTo(b.value.dataSync()[0] as number, 4);
    for (const v of [z, logDet]) {
      const ga = (a.grads[v.name] as tf.Tensor).dataSync();
      const gb = (b.grads[v.name] as tf.Tensor).dataSync();
      expect(ga.length).toBe(v.size);
      ga.forEach((g, j) => expect(Math.abs(g - (gb[j] as number))).toBeLessThan(1e-7 + 1e-6 * Math.abs(g)));
    }
    // ∂/∂z = dLoss·z/n in float64, rounded once (dLoss: 1.7 as float32).
    const gz = (a.grads[z.name] as tf.Tensor).dataSync();
    zs.forEach((v, j) => expect(gz[j]).toBe(Math.fround((Math.fround(1.7) / 37) * v)));
    const profile = await tf.profile(() => {
      const step = tf.variableGrads(ours, [z, logDet]);
      tf.dispose([step.value, ...Object.values(step.grads)]);
    });
    expect(profile.kernelNames.filter((k) => k.startsWith(STANDARD_NORMAL_NLL_KERNEL))).toEqual([
      STANDARD_NORMAL_NLL_KERNEL,
      `${STANDARD_NORMAL_NLL_KERNEL}Grad`,
    ]);
    tf.dispose([a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads), z, logDet, scale]);
  },
);

test("a flow's training loss on a standard normal is the kernel pair, with the ops' value and gradients", async () => {
  const flow = new Flow(new StandardNormal({ eventShape: [4] }), new Affine({ eventShape: [4] }));
  const [shift, scale] = flow.trainableVariables as tf.Variable[];
  shift!.assign(tf.tensor1d([0.3, -1, 2, 0.1]));
  scale!.assign(tf.tensor1d([0.5, -0.2, 1.1, 0]));
  const x = tf.randomNormal([64, 4], 0, 2, 'float32', 3);
  // The loss op by op: the base's logProb ops, an add and a mean (not Flow.logProb, whose base
  // density is itself one kernel on wasm).
  const opByOp = () => {
    const { value: z, logDet } = flow.bijector.inverseAndLogDet(x, { training: true });
    return tf.neg(tf.mean(tf.add(flow.base.logProb(z), logDet))) as tf.Scalar;
  };
  const ours = tf.variableGrads(() => flow.trainingLoss(x));
  const theirs = tf.variableGrads(opByOp);
  expect(ours.value.dataSync()[0]).toBeCloseTo(theirs.value.dataSync()[0] as number, 4);
  for (const v of flow.trainableVariables) {
    const ga = (ours.grads[v.name] as tf.Tensor).dataSync();
    const gb = (theirs.grads[v.name] as tf.Tensor).dataSync();
    ga.forEach((g, j) => expect(g).toBeCloseTo(gb[j] as number, 5));
  }
  const kernels = async (loss: () => tf.Scalar) => {
    const profile = await tf.profile(() => {
      const step = tf.variableGrads(loss);
      tf.dispose([step.value, ...Object.values(step.grads)]);
    });
    return profile.kernels.map((k) => k.name);
  };
  const fused = await kernels(() => flow.trainingLoss(x));
  const ops = await kernels(opByOp);
  expect(fused).toContain(`${STANDARD_NORMAL_NLL_KERNEL}Grad`);
  expect(fused.length).toBeLessThan(ops.length - 15);
  tf.dispose([ours.value, theirs.value, ...Object.values(ours.grads), ...Object.values(theirs.grads), x]);
  flow.dispose();
});

test('off the kernel (cpu) the loss is the ops one by one', async () => {
  await tf.setBackend('cpu');
  try {
    const base = new StandardNormal({ eventShape: [2] });
    const z = tf.tensor2d([
      [1, 2],
      [-0.5, 0],
    ]);
    const logDet = tf.tensor1d([0.25, -1]);
    const loss = base.negMeanLogProb(z, logDet).dataSync()[0] as number;
    expect(loss).toBeCloseTo((0.5 * 5 - 0.25 + 0.5 * 0.25 + 1) / 2 + 2 * HALF_LOG_TWO_PI, 5);
    tf.dispose([z, logDet]);
  } finally {
    await tf.setBackend('wasm');
  }
});
