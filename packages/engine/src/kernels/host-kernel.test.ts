import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@bijective/test-support/wasm';
import { describe, expect, test } from 'vitest';
import { BijectiveError } from '@bijective/core';
import { adamKernel } from './adam-kernel.js';
import { defineHostKernel } from './host-kernel.js';

/** a·x + y and the row sums of x·y: two outputs of different shapes. */
const axpyAndRowDots = defineHostKernel<{ a: number }>({
  name: 'Bijective.Test.AxpyAndRowDots',
  outputShapes: ([shape]) => [[...(shape as number[])], [(shape as number[])[0] as number]],
  run([x, y], [axpy, dots], [shape], { a }) {
    const cols = (shape as number[])[1] as number;
    for (let i = 0; i < (x as Float32Array).length; i++) {
      const xi = (x as Float32Array)[i] as number;
      const yi = (y as Float32Array)[i] as number;
      (axpy as Float32Array)[i] = a * xi + yi;
      const row = Math.floor(i / cols);
      (dots as Float32Array)[row] = (dots as Float32Array)[row]! + xi * yi;
    }
  },
});

describe.each(['cpu', 'wasm'])('host kernels on %s', (backend) => {
  test('compute what the same tfjs ops compute, and leave only their outputs', async () => {
    await tf.setBackend(backend);
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 1);
    const y = tf.randomNormal([5, 3], 0, 1, 'float32', 2);
    const before = tf.memory().numTensors;
    const [axpy, dots] = axpyAndRowDots([x, y], { a: 2.5 }) as [tf.Tensor, tf.Tensor];
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(dots.shape).toEqual([5]);
    const expectedAxpy = tf.add(tf.mul(x, 2.5), y);
    const expectedDots = tf.sum(tf.mul(x, y), 1);
    expect(Math.max(...tf.abs(tf.sub(axpy, expectedAxpy)).dataSync())).toBeLessThan(1e-6);
    expect(Math.max(...tf.abs(tf.sub(dots, expectedDots)).dataSync())).toBeLessThan(1e-5);
    tf.dispose([x, y, axpy, dots, expectedAxpy, expectedDots]);
  });

  test('reject a non-float32 input by name', async () => {
    await tf.setBackend(backend);
    const x = tf.tensor2d([[1, 2]], [1, 2], 'int32');
    expect(() => axpyAndRowDots([x, x], { a: 1 })).toThrow(BijectiveError);
    expect(() => axpyAndRowDots([x, x], { a: 1 })).toThrow(
      /Bijective.Test.AxpyAndRowDots: input 0 must be float32/,
    );
    x.dispose();
  });

  test('Adam kernel: updates every variable group in one call', async () => {
    await tf.setBackend(backend);
    const groups = [4, 7].map((n, k) =>
      [1, 2, 3, 4].map((s) => tf.randomUniform([n], 0.1, 1, 'float32', 10 * k + s)),
    );
    const attrs = { beta1: 0.9, beta2: 0.999, alpha: 0.01, epsilon: 1e-8, keep: 0.99 };
    const outputs = adamKernel(groups.flat(), attrs);
    expect(outputs).toHaveLength(6);
    groups.forEach(([theta, g, m, v], k) => {
      const m2 = tf.add(tf.mul(m as tf.Tensor, 0.9), g as tf.Tensor);
      const v2 = tf.add(tf.mul(v as tf.Tensor, 0.999), tf.square(g as tf.Tensor));
      const theta2 = tf.sub(
        tf.mul(theta as tf.Tensor, 0.99),
        tf.div(tf.mul(m2, 0.01), tf.add(tf.sqrt(v2), 1e-8)),
      );
      for (const [actual, expected] of [
        [outputs[3 * k], theta2],
        [outputs[3 * k + 1], m2],
        [outputs[3 * k + 2], v2],
      ] as [tf.Tensor, tf.Tensor][])
        expect(Math.max(...tf.abs(tf.sub(actual, expected)).dataSync())).toBeLessThan(1e-6);
    });
    tf.dispose([...groups.flat(), ...outputs]);
  });
});
