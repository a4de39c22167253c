// The engine's wasm SIMD MLP kernels against the same MLP written as tfjs ops (XNNPACK on the wasm
// backend) and differentiated by tfjs: values and every gradient, on shapes that hit each code path
// (4×8 tiles, 4-column and scalar tails, row tails, row dot products for thin outputs, thin δ).
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import '../tfjs/gradients.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { simdRuntime, useWasmSimdKernels, wasmSimdKernelsEnabled } from './simd-runtime.js';
import { wasmMlpAvailable, wasmMlpBackward, wasmMlpForward } from './mlp-kernels.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const maxError = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
const scale = (t: tf.Tensor) => tf.tidy(() => Math.max(1, tf.max(tf.abs(t)).dataSync()[0]!));

/** The reference MLP as tfjs ops: ReLU hidden layers, linear output. */
function reference(u: tf.Tensor2D, kernels: tf.Tensor2D[], biases: tf.Tensor1D[]): tf.Tensor2D[] {
  const outs: tf.Tensor2D[] = [];
  let x = u;
  kernels.forEach((w, l) => {
    const z = tf.add(tf.matMul(x, w), biases[l]!) as tf.Tensor2D;
    x = l < kernels.length - 1 ? tf.relu(z) : z;
    outs.push(x);
  });
  return outs;
}

describe('wasm SIMD MLP kernels', () => {
  test('are available on the wasm backend in Node, and only there', async () => {
    expect(wasmMlpAvailable()).toBe(true);
    expect(simdRuntime(tf.backend())).not.toBeNull();
    useWasmSimdKernels(false);
    expect(wasmSimdKernelsEnabled()).toBe(false);
    expect(wasmMlpAvailable()).toBe(false);
    useWasmSimdKernels(true);
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    expect(wasmMlpAvailable()).toBe(false);
    await tf.setBackend('wasm');
  });

  test.each([
    { n: 256, widths: [2, 64, 64, 2] },
    { n: 256, widths: [16, 64, 64, 48] },
    { n: 37, widths: [3, 13, 9, 1] },
    { n: 5, widths: [12, 6, 10] },
    { n: 9, widths: [1, 8, 8, 8, 3] },
  ])('match tfjs ops and their gradients: n = $n, widths $widths', ({ n, widths }) => {
    const seed = widths.reduce((a, b) => 31 * a + b, n);
    const u = tf.randomNormal([n, widths[0]!], 0, 1, 'float32', seed) as tf.Tensor2D;
    const kernels = widths
      .slice(1)
      .map((m, l) => tf.randomNormal([widths[l]!, m], 0, 0.5, 'float32', seed + l + 1) as tf.Tensor2D);
    const biases = widths
      .slice(1)
      .map((m, l) => tf.randomNormal([m], 0, 0.5, 'float32', seed + 50 + l) as tf.Tensor1D);
    const dRaw = tf.randomNormal([n, widths.at(-1)!], 0, 1, 'float32', seed + 99) as tf.Tensor2D;
    const gu = tf.randomNormal([n, widths[0]!], 0, 1, 'float32', seed + 98) as tf.Tensor2D;

    const before = tf.memory().numTensors;
    const outs = wasmMlpForward(u, kernels, biases);
    expect(tf.memory().numTensors).toBe(before + kernels.length);
    const expected = reference(u, kernels, biases);
    outs.forEach((o, l) => {
      expect(o.shape).toEqual(expected[l]!.shape);
      expect(maxError(o, expected[l]!)).toBeLessThan(2e-5 * scale(expected[l]!));
    });

    const simd = wasmMlpBackward(dRaw, gu, u, kernels, outs.slice(0, -1));
    const f = (...xs: tf.Tensor[]) => {
      const [uu, ...rest] = xs as tf.Tensor2D[];
      const raw = reference(
        uu!,
        rest.slice(0, kernels.length),
        rest.slice(kernels.length) as tf.Tensor[] as tf.Tensor1D[],
      ).at(-1)!;
      return tf.sum(tf.mul(raw, dRaw));
    };
    const grads = tf.grads(f)([u, ...kernels, ...biases]);
    const du = tf.add(grads[0]!, gu);
    expect(maxError(simd.du, du)).toBeLessThan(2e-5 * scale(du));
    kernels.forEach((_, l) => {
      const dW = grads[1 + l]!;
      const db = grads[1 + kernels.length + l]!;
      expect(simd.kernels[l]!.shape).toEqual(dW.shape);
      expect(maxError(simd.kernels[l]!, dW)).toBeLessThan(2e-5 * scale(dW));
      expect(maxError(simd.biases[l]!, db)).toBeLessThan(2e-5 * scale(db));
    });
    tf.dispose([
      u,
      dRaw,
      gu,
      du,
      ...kernels,
      ...biases,
      ...outs,
      ...expected,
      ...grads,
      simd.du,
      ...simd.kernels,
      ...simd.biases,
    ]);
  });
});
