// MAF on the wasm backend with the engine's own SIMD kernels for its ReLU conditioners
// against the same flow with them switched off (tfjs's XNNPACK kernels): log-densities, samples
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
function registeredFlow(name: string, d: number, hidden: number[], order = 'reverse'): Flow {
  const bijector = createByName('bijector', name, {
    eventShape: [d],
    layers: 4,
    hidden,
    order,
    identityInit: false,
    seed: 7,
  }) as Bijector;
  return new Flow(new StandardNormal({ eventShape: [d] }), bijector);
}

// d = 16 and the random orders run the MADEs' kernels packed (hidden units sorted by degree) through
// the ranged products; d = 7 with 30 hidden units leaves columns and rows outside the 4 x 8 tiles.
describe.each([
  { name: 'maf', d: 2, hidden: [64, 64], order: 'reverse' },
  { name: 'maf', d: 5, hidden: [24, 40], order: 'reverse' },
  { name: 'maf', d: 16, hidden: [64, 64], order: 'reverse' },
  { name: 'maf', d: 16, hidden: [64, 64], order: 'random' },
  { name: 'maf', d: 7, hidden: [30, 30, 30], order: 'random' },
  { name: 'iaf', d: 3, hidden: [32, 32], order: 'reverse' },
  { name: 'iaf', d: 16, hidden: [64, 64], order: 'random' },
])('$name (d = $d, hidden $hidden, order $order) on wasm', ({ name, d, hidden, order }) => {
  test('own SIMD kernels agree with XNNPACK and leak nothing', () => {
    expect(wasmMlpAvailable()).toBe(true);
    const flow = registeredFlow(name, d, hidden, order);
    const x = tf.randomNormal([256, d], 0, 1.5, 'float32', 5) as tf.Tensor2D;
    expect(simdParityFailures(flow, x, useWasmSimdKernels)).toEqual([]);
    x.dispose();
    flow.dispose();
  });
  test('the relaxed-SIMD build (fused multiply-adds) agrees with the SIMD-128 build', () => {
    // Node 20 keeps relaxed SIMD behind a V8 flag: the engine's opt-in turns it on for this process.
    expect(enableRelaxedSimd()).toBe(true);
    const flow = registeredFlow(name, d, hidden, order);
    const x = tf.randomNormal([256, d], 0, 1.5, 'float32', 5) as tf.Tensor2D;
    expect(wasmSimdVariant()).toBe('relaxed');
    expect(simdParityFailures(flow, x, (on) => useWasmSimdVariant(on ? 'auto' : 'simd128'))).toEqual([]);
    x.dispose();
    flow.dispose();
  });
  test('logProb and sample run every layer as one kernel outside a tape, leaking nothing', async () => {
    const flow = registeredFlow(name, d, hidden, order);
    const x = tf.randomNormal([64, d], 0, 1.5, 'float32', 5) as tf.Tensor2D;
    const kernels = await inferenceKernels(flow, x);
    for (const names of [kernels.logProb, kernels.sample]) {
      expect(names).toContain('Bijective.WasmFusedRun');
      expect(names).not.toContain('Bijective.WasmMlpForward');
    }
    expect(kernels.leaked).toBe(0);
    // A gradient step of the density (MAF's fast direction; IAF's is sampling) runs the layers as
    // two kernels, forward and backward.
    if (name === 'iaf') return;
    const step = await trainKernels(flow, x);
    expect(step.filter((k) => k === 'Bijective.WasmFusedForward')).toHaveLength(1);
    expect(step.filter((k) => k === 'Bijective.WasmFusedBackward')).toHaveLength(1);
    expect(step).not.toContain('Bijective.WasmMlpBackward');
    x.dispose();
    flow.dispose();
  });
});

test('maf: the one-kernel run over several row blocks equals the layer-by-layer path', () => {
  const bijector = createByName('bijector', 'maf', {
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

test('maf (d = 16): the affine map on the SIMD module agrees with its host loops and leaks nothing', () => {
  const flow = registeredFlow('maf', 16, [64, 64]);
  const x = tf.randomNormal([512, 16], 0, 1.5, 'float32', 5) as tf.Tensor2D;
  expect(simdParityFailures(flow, x, useWasmSimdTransforms)).toEqual([]);
  x.dispose();
  flow.dispose();
});

test('maf: sampling after θ changes reads the new first-pass row (cached per θ) and equals the layer-by-layer path', () => {
  const flow = registeredFlow('maf', 3, [16, 16]);
  const x = tf.randomNormal([300, 3], 0, 1.5, 'float32', 5) as tf.Tensor2D;
  // Cache the first-pass rows of the initial θ, then move every θ (new tfjs data): the run must not reuse them.
  tf.dispose(flow.sample(10, { seed: 1 }));
  for (const v of flow.trainableVariables)
    tf.tidy(() => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.05, 'float32', 3))));
  expect(fusedRunParity(flow, x, useWasmFusedRun)).toBeLessThan(1e-5);
  x.dispose();
  flow.dispose();
});
