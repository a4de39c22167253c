// NSF on the wasm backend with the engine's own SIMD kernels for its ReLU conditioners
// against the same flow with them switched off (tfjs's XNNPACK kernels): log-densities, samples
// and every parameter gradient agree to float32 rounding, and train steps leak nothing; likewise the
// engine's relaxed-SIMD build (fused multiply-adds) against its SIMD-128 build.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import '@bijective/engine/gradients';
import { inferenceKernels, simdParityFailures } from '@bijective/test-support/simd-parity';
import { Flow, StandardNormal, createByName, type Bijector } from '@bijective/core';
import {
  enableRelaxedSimd,
  useWasmSimdKernels,
  useWasmSimdVariant,
  wasmMlpAvailable,
  wasmSimdVariant,
} from '@bijective/engine';
import { beforeAll, describe, expect, test } from 'vitest';
import './index.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe.each([
  { name: 'nsf', d: 2, hidden: [64, 64] },
  { name: 'nsf', d: 5, hidden: [24, 40] },
  { name: 'nsf', d: 3, hidden: [32, 32], transform: 'autoregressive' },
])('$name $transform (d = $d, hidden $hidden) on wasm', ({ name, d, hidden, transform }) => {
  test('own SIMD kernels agree with XNNPACK and leak nothing', () => {
    expect(wasmMlpAvailable()).toBe(true);
    const bijector = createByName('bijector', name, {
      eventShape: [d],
      layers: 4,
      hidden,
      identityInit: false,
      seed: 7,
      ...(transform ? { transform } : {}),
    }) as Bijector;
    const flow = new Flow(new StandardNormal({ eventShape: [d] }), bijector);
    const x = tf.randomNormal([256, d], 0, 1.5, 'float32', 5) as tf.Tensor2D;
    expect(simdParityFailures(flow, x, useWasmSimdKernels)).toEqual([]);
    x.dispose();
    flow.dispose();
  });
  test('the relaxed-SIMD build (fused multiply-adds) agrees with the SIMD-128 build', () => {
    // Node 20 keeps relaxed SIMD behind a V8 flag: the engine's opt-in turns it on for this process.
    expect(enableRelaxedSimd()).toBe(true);
    const flow = new Flow(
      new StandardNormal({ eventShape: [d] }),
      createByName('bijector', name, {
        eventShape: [d],
        layers: 4,
        hidden,
        identityInit: false,
        seed: 7,
        ...(transform ? { transform } : {}),
      }) as Bijector,
    );
    const x = tf.randomNormal([256, d], 0, 1.5, 'float32', 5) as tf.Tensor2D;
    expect(wasmSimdVariant()).toBe('relaxed');
    expect(simdParityFailures(flow, x, (on) => useWasmSimdVariant(on ? 'auto' : 'simd128'))).toEqual([]);
    x.dispose();
    flow.dispose();
  });
  test('logProb and sample run every layer as one kernel outside a tape, leaking nothing', async () => {
    const bijector = createByName('bijector', name, {
      eventShape: [d],
      layers: 4,
      hidden,
      identityInit: false,
      seed: 7,
      ...(transform ? { transform } : {}),
    }) as Bijector;
    const flow = new Flow(new StandardNormal({ eventShape: [d] }), bijector);
    const x = tf.randomNormal([64, d], 0, 1.5, 'float32', 5) as tf.Tensor2D;
    const kernels = await inferenceKernels(flow, x);
    for (const names of [kernels.logProb, kernels.sample]) {
      expect(names).toContain('Bijective.WasmFusedRun');
      expect(names).not.toContain('Bijective.WasmMlpForward');
    }
    expect(kernels.leaked).toBe(0);
    x.dispose();
    flow.dispose();
  });
});
