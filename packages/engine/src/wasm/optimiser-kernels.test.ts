// The optimiser's kernels on the wasm SIMD module (Adam, the global norm) against the host loops
// they replace: Adam bit for bit (both compute in float64 and store float32), on sizes that hit the
// vector loop and its scalar tail; the norm to float64 rounding; no tensor left behind.
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { beforeAll, describe, expect, test } from 'vitest';
import { adamKernel } from '../kernels/adam-kernel.js';
import { defineHostKernel } from '../kernels/host-kernel.js';
import { useWasmSimdKernels } from './simd-runtime.js';
import './optimiser-kernels.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** Uniform values in [-scale, scale) from a seeded generator. */
function values(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return ((s / 2 ** 32) * 2 - 1) * scale;
  });
}

const ATTRS = { beta1: 0.9, beta2: 0.999, alpha: 3.7e-4, epsilon: 2.3e-8, keep: 0.9995 };

describe('optimiser kernels on the wasm SIMD module', () => {
  test('Adam gives the host loop bit for bit, every variable, tails included', () => {
    const sizes = [1, 3, 4, 7, 64, 4418];
    const inputs = sizes.flatMap((n, k) => [
      tf.tensor1d(values(n, 10 * k + 1)),
      tf.tensor1d(values(n, 10 * k + 2, 1e-2)),
      tf.tensor1d(values(n, 10 * k + 3, 1e-3)),
      tf.tensor1d(values(n, 10 * k + 4, 1e-5).map(Math.abs)),
    ]);
    const expected = sizes.flatMap((n, k) => {
      const outs = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
      adamKernel.run(
        inputs.slice(4 * k, 4 * k + 4).map((t) => t.dataSync() as Float32Array),
        outs,
        [],
        ATTRS,
      );
      return outs;
    });
    const before = tf.memory().numTensors;
    const outputs = adamKernel(inputs, ATTRS);
    expect(outputs).toHaveLength(3 * sizes.length);
    outputs.forEach((t, i) => expect(t.dataSync()).toEqual(expected[i]));
    tf.dispose(outputs);
    expect(tf.memory().numTensors).toBe(before);
    // The same call on the host loop (SIMD kernels off) agrees too: the switch reaches this kernel.
    useWasmSimdKernels(false);
    try {
      const host = adamKernel(inputs, ATTRS);
      host.forEach((t, i) => expect(t.dataSync()).toEqual(expected[i]));
      tf.dispose(host);
    } finally {
      useWasmSimdKernels(true);
    }
    tf.dispose(inputs);
  });

  test('the global norm matches the float64 sum of squares, and a non-finite gradient gives a non-finite norm', () => {
    // A kernel of the same name as @bijective/train's, defined here if train did not define it.
    const norm = defineHostKernel<{ clipNorm: number }>({
      name: 'Bijective.ClipByGlobalNorm',
      outputShapes: () => [[]],
      run(inputs, [out]) {
        let sum = 0;
        for (const g of inputs) for (const v of g) sum += v * v;
        (out as Float32Array)[0] = Math.sqrt(sum);
      },
    });
    const grads = [7, 4418, 2].map((n, k) => tf.tensor1d(values(n, k + 40, 0.3)));
    let sum = 0;
    for (const g of grads) for (const v of g.dataSync()) sum += v * v;
    const [got] = norm(grads, { clipNorm: 0 });
    expect(Math.abs((got as tf.Tensor).dataSync()[0]! - Math.sqrt(sum))).toBeLessThanOrEqual(
      Math.sqrt(sum) * 2 ** -23,
    );
    const bad = tf.tensor1d([1, Number.NaN, 2, 3, 4]);
    const [nan] = norm([...grads, bad], { clipNorm: 0 });
    expect(Number.isFinite((nan as tf.Tensor).dataSync()[0])).toBe(false);
    tf.dispose([...grads, bad, got as tf.Tensor, nan as tf.Tensor]);
  });
});
