import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, test } from 'vitest';
import '../tfjs/gradients.js';
import { dense } from './dense.js';
import { MLP } from './mlp.js';

describe('dense', () => {
  test('value and gradients equal those of matMul + add', () => {
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const w = tf.randomNormal([3, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
    const b = tf.randomNormal([4], 0, 1, 'float32', 3) as tf.Tensor1D;
    const f = (a: tf.Tensor2D, k: tf.Tensor2D, c: tf.Tensor1D) => tf.sum(tf.sin(dense(a, k, c)));
    const g = (a: tf.Tensor2D, k: tf.Tensor2D, c: tf.Tensor1D) => tf.sum(tf.sin(tf.add(tf.matMul(a, k), c)));
    const ours = tf.grads(f as (...t: tf.Tensor[]) => tf.Tensor)([x, w, b]);
    const ref = tf.grads(g as (...t: tf.Tensor[]) => tf.Tensor)([x, w, b]);
    ours.forEach((t, i) => {
      const r = ref[i]!.dataSync();
      t.dataSync().forEach((v, j) => expect(v).toBeCloseTo(r[j]!, 5));
    });
  });
});

describe('MLP', () => {
  test('zero-initialised output, seeded hidden layers, trainable end to end', () => {
    const mlp = new MLP({ inputSize: 2, hiddenSizes: [8, 8], outputSize: 3, residual: true, seed: 4 });
    const x = tf.randomNormal([6, 2], 0, 1, 'float32', 5) as tf.Tensor2D;
    expect(Array.from(mlp.apply(x).dataSync()).every((v) => v === 0)).toBe(true);
    expect(mlp.variables).toHaveLength(6);
    const again = new MLP({ inputSize: 2, hiddenSizes: [8, 8], outputSize: 3, residual: true, seed: 4 });
    expect(again.variables[0]!.arraySync()).toEqual(mlp.variables[0]!.arraySync());
    const { grads } = tf.variableGrads(() => tf.sum(mlp.apply(x)) as tf.Scalar, mlp.variables);
    expect(Object.keys(grads)).toHaveLength(6);
    const before = tf.memory().numTensors;
    mlp.apply(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
  test('bad options name the problem', () => {
    expect(() => new MLP({ inputSize: 2, hiddenSizes: [0], outputSize: 1 })).toThrow(
      /hiddenSizes\[0\] must be a positive integer/,
    );
    expect(
      () => new MLP({ inputSize: 2, hiddenSizes: [4], outputSize: 1, activation: 'nope' as 'relu' }),
    ).toThrow(/unknown activation 'nope'/);
  });
});

describe('MLP construction', () => {
  test('allocates only its variables and frees them on dispose', () => {
    const before = tf.memory().numTensors;
    const mlp = new MLP({ inputSize: 3, hiddenSizes: [5], outputSize: 2 });
    expect(tf.memory().numTensors - before).toBe(mlp.variables.length);
    mlp.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
