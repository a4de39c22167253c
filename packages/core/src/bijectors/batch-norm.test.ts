import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { OptionError, ValueError } from '../errors.js';
import { BatchNorm } from './batch-norm.js';
import { Chain } from './chain.js';
import { Shift } from './shift.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const X = [
  [1, 10],
  [2, 14],
  [4, 9],
  [5, 11],
];
const column = (j: number) => X.map((row) => row[j] as number);
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const variance = (v: number[], ddof: number) =>
  v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / (v.length - ddof);

describe('BatchNorm', () => {
  test('eval mode normalises with the running statistics both ways, against float64', () => {
    const b = new BatchNorm({ eventShape: [2], epsilon: 1e-3 });
    b.runningMean.assign(tf.tensor1d([1, -2]));
    b.runningVar.assign(tf.tensor1d([4, 0.25]));
    b.logGamma.assign(tf.tensor1d([0.5, -0.25]));
    b.beta.assign(tf.tensor1d([0.1, 0.2]));
    const logScale = [0.5 - 0.5 * Math.log(4.001), -0.25 - 0.5 * Math.log(0.251)];
    tf.tidy(() => {
      const { value, logDet } = b.inverseAndLogDet(tf.tensor2d(X));
      const expected = X.flatMap((row) => [
        (row[0]! - 1) * Math.exp(logScale[0]!) + 0.1,
        (row[1]! + 2) * Math.exp(logScale[1]!) + 0.2,
      ]);
      expect(values(value)).toEqual(expected.map((v) => expect.closeTo(v, 4)));
      expect(values(logDet)).toEqual(new Array(4).fill(expect.closeTo(logScale[0]! + logScale[1]!, 5)));
      const forward = b.forwardAndLogDet(value);
      expect(values(forward.value)).toEqual(X.flat().map((v) => expect.closeTo(v, 4)));
      expect(values(forward.logDet)).toEqual(
        new Array(4).fill(expect.closeTo(-logScale[0]! - logScale[1]!, 5)),
      );
    });
    b.dispose();
  });

  test('training mode uses batch statistics and blends them into the running ones', () => {
    const b = new BatchNorm({ eventShape: [2], momentum: 0.25, epsilon: 1e-6 });
    const x = tf.tensor2d(X);
    const { value, logDet } = b.inverseAndLogDet(x, { training: true });
    for (const j of [0, 1]) {
      const z = values(value).filter((_, i) => i % 2 === j);
      expect(mean(z)).toBeCloseTo(0, 5);
      expect(variance(z, 0)).toBeCloseTo(1, 4);
    }
    const expectedLogDet =
      -0.5 * (Math.log(variance(column(0), 0) + 1e-6) + Math.log(variance(column(1), 0) + 1e-6));
    expect(values(logDet)).toEqual(new Array(4).fill(expect.closeTo(expectedLogDet, 5)));
    expect(values(b.runningMean)).toEqual([0, 1].map((j) => expect.closeTo(0.25 * mean(column(j)), 5)));
    expect(values(b.runningVar)).toEqual(
      [0, 1].map((j) => expect.closeTo(0.75 + 0.25 * variance(column(j), 1), 5)),
    );
    // The forward always uses the running statistics.
    const running = tf.tidy(() => b.forward(value, { training: true }));
    const expected = tf.tidy(() => b.forward(value));
    expect(values(running)).toEqual(values(expected));
    tf.dispose([x, value, logDet, running, expected]);
    b.dispose();
  });

  test('gradients flow inside tf.variableGrads while the running statistics update, without leaks', () => {
    const b = new BatchNorm({ eventShape: [2], momentum: 1 });
    // The inverse runs data -> base: the shift's inverse (x - 1) first, then batch norm.
    const chain = new Chain([b, new Shift({ eventShape: [2], shift: 1 })]);
    const x = tf.tensor2d(X);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => {
      const { value: z, logDet } = chain.inverseAndLogDet(x, { training: true });
      return tf.add(tf.sum(z), tf.sum(logDet)) as tf.Scalar;
    }, chain.trainableVariables as tf.Variable[]);
    // d/dβ Σz = batch; d/dlog γ (Σz + Σ logDet) = Σ (z - β) + batch = batch, since batch-normalised z - β sums to 0.
    expect(values(grads[b.beta.name]!)).toEqual([4, 4].map((v) => expect.closeTo(v, 4)));
    expect(values(grads[b.logGamma.name]!)).toEqual([4, 4].map((v) => expect.closeTo(v, 4)));
    expect(values(grads[(chain.bijectors[1] as Shift).shift.name]!)).toEqual(
      [0, 0].map((v) => expect.closeTo(v, 4)),
    );
    expect(values(b.runningMean)).toEqual([0, 1].map((j) => expect.closeTo(mean(column(j)) - 1, 5)));
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    chain.dispose();
  });

  test('training needs two rows; options are validated', () => {
    const b = new BatchNorm({ eventShape: [2] });
    const one = tf.ones([1, 2]);
    const before = tf.memory().numTensors;
    expect(() => b.inverse(one, { training: true })).toThrow(ValueError);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(one);
    b.dispose();
    expect(() => new BatchNorm({ eventShape: [2], momentum: 0 })).toThrow(OptionError);
    expect(() => new BatchNorm({ eventShape: [2], momentum: 1.5 })).toThrow("batch-norm: option 'momentum'");
    expect(() => new BatchNorm({ eventShape: [2], epsilon: -1 })).toThrow("batch-norm: option 'epsilon'");
  });
});
