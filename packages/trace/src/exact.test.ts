import '@tensorflow/tfjs-backend-cpu';
import '@bijective/engine/gradients';
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@bijective/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BatchFunction } from './estimator.js';
import { ExactTrace } from './exact.js';

let W1: tf.Variable;
let b1: tf.Variable;
let W2: tf.Variable;
/** A small MLP field 3 -> 8 -> 3 with activation `act`. */
const mlp =
  (act: (x: tf.Tensor) => tf.Tensor): BatchFunction =>
  (z) =>
    tf.matMul(act(tf.add(tf.matMul(z as tf.Tensor2D, W1), b1)) as tf.Tensor2D, W2);

/** The trace of the Jacobian built column by column with tf.grads, per batch element. */
function autodiffJacobianTrace(f: BatchFunction, z: tf.Tensor2D): number[] {
  return tf.tidy(() => {
    const [batch, d] = z.shape;
    const diagonal = Array.from({ length: d }, (_, i) => {
      const onehot = tf.oneHot(tf.fill([batch], i, 'int32'), d);
      // Row b of the gradient of Σ_b f_i(z_b) is the Jacobian row ∂f_i/∂z_b (rows are independent).
      const row = tf.grads((x: tf.Tensor) => tf.sum(tf.mul(f(x), onehot)))([z])[0] as tf.Tensor;
      return tf.sum(tf.mul(row, onehot), 1);
    });
    return Array.from(tf.addN(diagonal).dataSync());
  });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  W1 = tf.variable(tf.randomNormal([3, 8], 0, 0.7, 'float32', 11));
  b1 = tf.variable(tf.randomNormal([8], 0, 0.3, 'float32', 12));
  W2 = tf.variable(tf.randomNormal([8, 3], 0, 0.7, 'float32', 13));
});
afterAll(() => tf.dispose([W1, b1, W2]));

describe('ExactTrace', () => {
  test('equals the trace of the autodiff Jacobian and returns f(z), leaving no tensors', () => {
    const z = tf.randomNormal([5, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const f = mlp(tf.tanh);
    const expected = autodiffJacobianTrace(f, z);
    const before = tf.memory().numTensors;
    const { value, trace } = new ExactTrace().estimate(f, z);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(trace.shape).toEqual([5]);
    Array.from(trace.dataSync()).forEach((t, i) => expect(t).toBeCloseTo(expected[i] as number, 5));
    const direct = f(z);
    expect(Array.from(value.dataSync())).toEqual(Array.from(direct.dataSync()));
    tf.dispose([z, value, trace, direct]);
  });

  test('works on multi-axis events: tr of f(z) = A ⊙ z + sin(z) is Σ (A + cos z)', () => {
    const z = tf.randomNormal([4, 2, 3], 0, 1, 'float32', 2);
    const A = tf.randomNormal([2, 3], 0, 1, 'float32', 3);
    const estimator = new ExactTrace();
    const basis = estimator.createProbe(z.shape);
    expect(basis.shape).toEqual([6, 4, 2, 3]);
    const { value, trace } = estimator.estimate((x) => tf.add(tf.mul(A, x), tf.sin(x)), z, basis);
    const expected = tf.sum(tf.add(A, tf.cos(z)), [1, 2]);
    Array.from(trace.dataSync()).forEach((t, i) =>
      expect(t).toBeCloseTo(expected.dataSync()[i] as number, 5),
    );
    tf.dispose([z, A, basis, value, trace, expected]);
  });

  test('the trace is differentiable: its parameter gradient matches finite differences for a softplus field', () => {
    const z = tf.randomNormal([4, 3], 0, 1, 'float32', 4);
    const f = mlp(tf.softplus);
    const estimator = new ExactTrace();
    const { value, grads } = tf.variableGrads(
      () => tf.sum(estimator.estimate(f, z).trace) as tf.Scalar,
      [W1, W2],
    );
    const total = (w1: tf.Tensor, w2: tf.Tensor) =>
      tf.tidy(() => {
        const g: BatchFunction = (x) =>
          tf.matMul(
            tf.softplus(tf.add(tf.matMul(x as tf.Tensor2D, w1 as tf.Tensor2D), b1)) as tf.Tensor2D,
            w2 as tf.Tensor2D,
          );
        return tf.sum(estimator.estimate(g, z).trace).dataSync()[0] as number;
      });
    const eps = 1e-2;
    for (const [variable, index] of [
      [W1, 0],
      [W1, 13],
      [W2, 5],
      [W2, 20],
    ] as const) {
      const fd = tf.tidy(() => {
        const flat = tf.reshape(variable, [-1]);
        const bump = (s: number) =>
          tf.reshape(tf.add(flat, tf.mul(tf.oneHot([index], flat.size), s)), variable.shape);
        const [up, down] =
          variable === W1
            ? [total(bump(eps), W2), total(bump(-eps), W2)]
            : [total(W1, bump(eps)), total(W1, bump(-eps))];
        return (up - down) / (2 * eps);
      });
      const analytic = (grads[variable.name] as tf.Tensor).dataSync()[index] as number;
      expect(Math.abs(analytic - fd)).toBeLessThan(1e-3 * Math.max(1, Math.abs(fd)));
    }
    tf.dispose([z, value, grads]);
  });

  test('rejects z without an event axis, a wrong probe and a field changing the shape', () => {
    const estimator = new ExactTrace();
    const z = tf.zeros([4, 2]);
    const wrongProbe = tf.zeros([2, 3, 2]);
    expect(() => estimator.estimate((x) => x, tf.zeros([4]))).toThrow(ShapeError);
    expect(() => estimator.estimate((x) => x, z, wrongProbe)).toThrow(
      /probe must have shape \[probes, 4, 2\] .*got \[2, 3, 2\]/,
    );
    const before = tf.memory().numTensors;
    expect(() => estimator.estimate((x) => tf.sum(x, 1), z)).toThrow(
      /f must return a tensor of its input's shape; for an input of shape \[8, 2\] it returned \[8\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([z, wrongProbe]);
  });
});
