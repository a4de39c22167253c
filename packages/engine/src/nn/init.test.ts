// The conditioners' start: hidden kernels and biases from the fan-in uniform U(±1/√fan_in)
// (PyTorch's nn.Linear default), the output layer zero so that every flow starts as the identity;
// the same start in the MLP, in θ of the fused layers (ParameterLayout) and bound by bound.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { hostRng } from '@bijective/core';
import '../tfjs/gradients.js';
import { ParameterLayout } from '../fused/parameter-layout.js';
import { fanInUniform, glorotUniform } from './init.js';
import { MLP } from './mlp.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Mean, variance and largest magnitude of `values`. */
function stats(values: ArrayLike<number>): { mean: number; variance: number; max: number } {
  const v = Array.from(values);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  return { mean, variance, max: Math.max(...v.map(Math.abs)) };
}

/** Checks that `values` look like U(±bound): inside the bound, reaching near it, mean 0, variance bound²/3. */
function expectUniform(values: ArrayLike<number>, bound: number): void {
  const { mean, variance, max } = stats(values);
  expect(max).toBeLessThanOrEqual(bound * (1 + 1e-6));
  expect(max).toBeGreaterThan(0.95 * bound);
  // The standard error of the mean is bound/√(3n); of the variance about 0.9·(bound²/3)/√n.
  expect(Math.abs(mean)).toBeLessThan((5 * bound) / Math.sqrt(3 * values.length));
  expect(Math.abs(variance / ((bound * bound) / 3) - 1)).toBeLessThan((5 * 0.9) / Math.sqrt(values.length));
}

describe('fanInUniform', () => {
  test('draws U(±1/√fan_in): bounds, mean and variance; seeded', () => {
    const draws = fanInUniform(hostRng(3), 64, 8192);
    expectUniform(draws, 1 / 8);
    expect(Array.from(fanInUniform(hostRng(3), 64, 8192))).toEqual(Array.from(draws));
    expect(stats(fanInUniform(hostRng(3), 4, 4096)).max).toBeGreaterThan(0.45);
  });
  test('is narrower than Glorot-uniform for a square 64-wide layer', () => {
    const glorot = stats(glorotUniform(hostRng(1), 64, 64, 4096));
    const fanIn = stats(fanInUniform(hostRng(1), 64, 4096));
    // Variances 1/192 against 1/64: a third.
    expect(fanIn.variance / glorot.variance).toBeGreaterThan(0.3);
    expect(fanIn.variance / glorot.variance).toBeLessThan(0.37);
  });
});

describe("the conditioners' start", () => {
  test('MLP: hidden kernels and biases from U(±1/√fan_in), a zero output layer, the output 0', () => {
    const mlp = new MLP({ inputSize: 16, hiddenSizes: [128, 128], outputSize: 10, seed: 7 });
    const [k1, b1, k2, b2, k3, b3] = mlp.variables.map((v) => v.dataSync());
    expectUniform(k1!, 1 / 4);
    expectUniform(k2!, 1 / Math.sqrt(128));
    // 128 biases per layer: the bound and that they are not zero (the old start had zero biases).
    for (const [b, bound] of [
      [b1!, 1 / 4],
      [b2!, 1 / Math.sqrt(128)],
    ] as const) {
      const s = stats(b);
      expect(s.max).toBeLessThanOrEqual(bound * (1 + 1e-6));
      expect(s.max).toBeGreaterThan(0.8 * bound);
      expect(s.variance).toBeGreaterThan((0.5 * bound * bound) / 3);
    }
    expect(Array.from(k3!).every((v) => v === 0)).toBe(true);
    expect(Array.from(b3!).every((v) => v === 0)).toBe(true);
    const x = tf.randomNormal([5, 16], 0, 1, 'float32', 2) as tf.Tensor2D;
    expect(Array.from(mlp.apply(x).dataSync()).every((v) => v === 0)).toBe(true);
    mlp.dispose();
    x.dispose();
  });
  test('MLP without the zero output: a Glorot-uniform output kernel, zero output bias', () => {
    const mlp = new MLP({ inputSize: 4, hiddenSizes: [64], outputSize: 64, zeroInitOutput: false, seed: 1 });
    const [, , k2, b2] = mlp.variables.map((v) => v.dataSync());
    expectUniform(k2!, Math.sqrt(6 / 128));
    expect(Array.from(b2!).every((v) => v === 0)).toBe(true);
    mlp.dispose();
  });
  test("ParameterLayout.initial: θ holds the MLP's start in its layout; identity start when asked", () => {
    const layout = new ParameterLayout([8, 64, 64, 16]);
    const theta = layout.initial('relu', 5, true);
    const [first, second, last] = layout.dense as [
      (typeof layout.dense)[0],
      (typeof layout.dense)[0],
      (typeof layout.dense)[0],
    ];
    expectUniform(theta.subarray(first.kernel, first.kernel + 8 * 64), 1 / Math.sqrt(8));
    expectUniform(theta.subarray(second.kernel, second.kernel + 64 * 64), 1 / 8);
    const bias = stats(theta.subarray(second.bias, second.bias + 64));
    expect(bias.max).toBeLessThanOrEqual(1 / 8);
    expect(bias.variance).toBeGreaterThan(0.5 / 192);
    expect(Array.from(theta.subarray(last.kernel)).every((v) => v === 0)).toBe(true);
    const free = layout.initial('relu', 5, false);
    expect(Array.from(free.subarray(0, last.kernel))).toEqual(Array.from(theta.subarray(0, last.kernel)));
    expect(Array.from(free.subarray(last.bias)).every((v) => v === 0)).toBe(true);
    expect(stats(free.subarray(last.kernel, last.bias)).max).toBeGreaterThan(1 / 8);
  });
});
