// Glow on the wasm backend with the engine's own SIMD kernels (coupling networks, 1x1 convolutions) against the
// same flow with them switched off (tfjs's XNNPACK convolutions): log-densities, samples, the loss
// and every parameter gradient agree to float32 rounding, and train steps leak nothing.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import '@bijective/engine/gradients';
import { simdParityFailures } from '@bijective/test-support/simd-parity';
import { Flow, StandardNormal } from '@bijective/core';
import { useWasmSimdKernels, wasmSimdAvailable } from '@bijective/engine';
import { beforeAll, describe, expect, test } from 'vitest';
import { Glow, type GlowOptions } from './index.js';
import { perturbed } from './test-helpers.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe.each<Partial<GlowOptions> & { imageShape: number[] }>([
  { imageShape: [8, 8, 1], levels: 2, hiddenChannels: 16, splitPrior: 'standard' as const },
  { imageShape: [4, 6, 3], levels: 1, hiddenChannels: 9, splitPrior: 'learned' as const },
  { imageShape: [4, 4, 2], levels: 1, hiddenChannels: 8, coupling: 'realnvp' as const },
])(
  'glow $imageShape, $levels levels, $hiddenChannels hidden channels, $coupling coupling on wasm',
  (options) => {
    test('own SIMD kernels agree with XNNPACK and leak nothing', () => {
      expect(wasmSimdAvailable()).toBe(true);
      const glow = new Glow({ ...options, stepsPerLevel: 2, seed: 3 });
      // Move the zero-initialised last layers off zero, so that every layer's gradient is exercised.
      perturbed(glow, 8, 0.05);
      const d = glow.eventShape[0] as number;
      const flow = new Flow(new StandardNormal({ eventShape: [d] }), glow);
      const x = tf.randomUniform([32, d], 0.05, 0.95, 'float32', 5) as tf.Tensor2D;
      // The first training call initialises actnorm from the batch: once, before both evaluations.
      tf.dispose(flow.logProb(x, { training: true }));
      expect(simdParityFailures(flow, x, useWasmSimdKernels, { sample: 1e-4, loss: 1e-5 })).toEqual([]);
      x.dispose();
      flow.dispose();
    });
  },
);
