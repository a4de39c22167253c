// Every flow whose ReLU conditioners the engine's own wasm SIMD kernels run (RealNVP, NICE, MAF,
// NSF) on the wasm backend, against the same flow with them switched off (tfjs's XNNPACK kernels):
// log-densities, samples and every parameter gradient agree to float32 rounding, and train steps
// leak nothing.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import '@bijective/engine/gradients';
import { simdParity } from '@bijective/test-support/simd-parity';
import { Flow, StandardNormal, createByName, type Bijector } from '@bijective/core';
import { useWasmSimdKernels, wasmMlpAvailable } from '@bijective/engine';
import { beforeAll, describe, expect, test } from 'vitest';
import '@bijective/autoregressive';
import '@bijective/coupling';
import '@bijective/spline';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe.each([
  { name: 'realnvp', d: 2, hidden: [64, 64] },
  { name: 'realnvp', d: 5, hidden: [24, 40] },
  { name: 'nice', d: 6, hidden: [32] },
  { name: 'maf', d: 2, hidden: [64, 64] },
  { name: 'maf', d: 5, hidden: [24, 40] },
  { name: 'nsf', d: 2, hidden: [64, 64] },
  { name: 'nsf', d: 5, hidden: [24, 40] },
])('$name (d = $d, hidden $hidden) on wasm', ({ name, d, hidden }) => {
  test('own SIMD kernels agree with XNNPACK and leak nothing', () => {
    expect(wasmMlpAvailable()).toBe(true);
    const bijector = createByName('bijector', name, {
      eventShape: [d],
      layers: 4,
      hidden,
      identityInit: false,
      seed: 7,
    }) as Bijector;
    const flow = new Flow(new StandardNormal({ eventShape: [d] }), bijector);
    const x = tf.randomNormal([256, d], 0, 1.5, 'float32', 5) as tf.Tensor2D;
    const parity = simdParity(flow, x, useWasmSimdKernels);
    expect(parity.logProb).toBeLessThan(1e-5);
    expect(parity.sample).toBeLessThan(1e-5);
    expect(parity.loss).toBeLessThan(1e-6);
    expect(parity.gradients).toBeLessThan(1e-4);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(
          () => tf.neg(tf.mean(flow.logProb(x, { training: true }))) as tf.Scalar,
        );
        tf.dispose(Object.values(grads));
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    flow.dispose();
  });
});
