// RealNVP and NICE on the wasm backend with the engine's own SIMD kernels for their ReLU conditioners
// against the same flows with them switched off (tfjs's XNNPACK kernels): log-densities, samples
// and every parameter gradient agree to float32 rounding, and train steps leak nothing; likewise the
// engine's relaxed-SIMD build (fused multiply-adds) against its SIMD-128 build.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import '@bijective/engine/gradients';
import {
  fusedRunParity,
  inferenceKernels,
  simdParityFailures,
  trainKernels,
} from '@bijective/test-support/simd-parity';
import { Flow, StandardNormal, createByName, type Bijector } from '@bijective/core';
import {
  enableRelaxedSimd,
  useWasmFusedRun,
  useWasmSimdKernels,
  useWasmSimdTransforms,
  useWasmSimdVariant,
  wasmMlpAvailable,
  wasmSimdVariant,
} from '@bijective/engine';
import { beforeAll, describe, expect, test } from 'vitest';
import './index.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** The registered bijector `name` (4 layers, seeded, not identity-initialised) on a standard normal. */
function registeredFlow(name: string, d: number, hidden: number[]): Flow {
  const bijector = createByName('bijector', name, {
    eventShape: [d],
    layers: 4,
    hidden,
    identityInit: false,
    seed: 7,
  }) as Bijector;
  return new Flow(new StandardNormal({ eventShape: [d] }), bijector);
}

describe.each([
  { name: 'realnvp', d: 2, hidden: [64, 64] },
  { name: 'realnvp', d: 5, hidden: [24, 40] },
  { name: 'realnvp', d: 16, hidden: [64, 64] },
  { name: 'nice', d: 6, hidden: [32] },
])('$name (d = $d, hidden $hidden) on wasm', ({ name, d, hidden }) => {
  test('own SIMD kernels agree with XNNPACK and leak nothing', () => {
    expect(wasmMlpAvailable()).toBe(true);
    const flow = registeredFlow(name, d, hidden);
    const x = tf.randomNormal([256, d], 0, 1.5, 'float32', 5) as tf.Tensor2D;
    expect(simdParityFailures(flow, x, useWasmSimdKernels)).toEqual([]);
    x.dispose();
    flow.dispose();
  });
  test('the relaxed-SIMD build (fused multiply-adds) agrees with the SIMD-128 build', () => {
    // Node 20 keeps relaxed SIMD behind a V8 flag: the engine's opt-in turns it on for this process.
    expect(enableRelaxedSimd()).toBe(true);
    const flow = registeredFlow(name, d, hidden);
    const x = tf.randomNormal([256, d], 0, 1.5, 'float32', 5) as tf.Tensor2D;
    expect(wasmSimdVariant()).toBe('relaxed');
    expect(simdParityFailures(flow, x, (on) => useWasmSimdVariant(on ? 'auto' : 'simd128'))).toEqual([]);
    x.dispose();
    flow.dispose();
  });
  test('logProb and sample run every layer as one kernel outside a tape, leaking nothing', async () => {
    const flow = registeredFlow(name, d, hidden);
    const x = tf.randomNormal([64, d], 0, 1.5, 'float32', 5) as tf.Tensor2D;
    const kernels = await inferenceKernels(flow, x);
    for (const names of [kernels.logProb, kernels.sample]) {
      expect(names).toContain('Bijective.WasmFusedRun');
      expect(names).not.toContain('Bijective.WasmMlpForward');
    }
    expect(kernels.leaked).toBe(0);
    // A gradient step runs the layers as two kernels, forward and backward.
    const step = await trainKernels(flow, x);
    expect(step.filter((k) => k === 'Bijective.WasmFusedForward')).toHaveLength(1);
    expect(step.filter((k) => k === 'Bijective.WasmFusedBackward')).toHaveLength(1);
    expect(step).not.toContain('Bijective.WasmMlpBackward');
    x.dispose();
    flow.dispose();
  });
});

test('realnvp: the one-kernel run over several row blocks equals the layer-by-layer path', () => {
  const bijector = createByName('bijector', 'realnvp', {
    eventShape: [3],
    layers: 3,
    hidden: [16, 16],
    identityInit: false,
    seed: 3,
  }) as Bijector;
  const flow = new Flow(new StandardNormal({ eventShape: [3] }), bijector);
  const x = tf.randomNormal([2500, 3], 0, 1.5, 'float32', 9) as tf.Tensor2D;
  expect(fusedRunParity(flow, x, useWasmFusedRun)).toBeLessThan(1e-6);
  x.dispose();
  flow.dispose();
});

test('realnvp (d = 16): the affine map on the SIMD module agrees with its host loops and leaks nothing', () => {
  const flow = registeredFlow('realnvp', 16, [64, 64]);
  const x = tf.randomNormal([512, 16], 0, 1.5, 'float32', 5) as tf.Tensor2D;
  expect(simdParityFailures(flow, x, useWasmSimdTransforms)).toEqual([]);
  x.dispose();
  flow.dispose();
});
