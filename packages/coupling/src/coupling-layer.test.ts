import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, test } from 'vitest';
import { createBijector, OptionError, ShapeError } from '@bijective/core';
import { AdditiveCoupling } from './additive-coupling.js';
import { AffineCoupling } from './affine-coupling.js';
import './index.js';

await tf.setBackend('cpu');

describe('coupling layers', () => {
  test('start as the identity and keep x_A; a trained-looking layer changes only x_B', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([4, 4], 0, 1, 'float32', 1);
      const identity = new AffineCoupling({ eventShape: [4], seed: 1 });
      const { value, logDet } = identity.forwardAndLogDet(x);
      expect(Array.from(value.dataSync())).toEqual(Array.from(x.dataSync()));
      expect(Array.from(logDet.dataSync())).toEqual([0, 0, 0, 0]);
      const layer = new AffineCoupling({
        eventShape: [4],
        mask: 'alternate',
        parity: 1,
        identityInit: false,
        seed: 2,
      });
      const y = layer.forward(x).arraySync() as number[][];
      const rows = x.arraySync() as number[][];
      rows.forEach((row, r) => {
        expect([y[r]![1], y[r]![3]]).toEqual([row[1], row[3]]); // A = odd elements
        expect(y[r]![0]).not.toBe(row[0]);
      });
      identity.dispose();
      layer.dispose();
    });
  });

  test('the log-scale is bounded by scaleBound', () => {
    tf.tidy(() => {
      const layer = new AffineCoupling({
        eventShape: [2],
        hidden: [4],
        identityInit: false,
        scaleBound: 0.5,
        seed: 3,
      });
      layer.parameters.forEach((v) => v.assign(tf.mul(v, 1000)));
      const x = tf.randomNormal([50, 2], 0, 3, 'float32', 4);
      const logDet = layer.forwardAndLogDet(x).logDet.dataSync();
      logDet.forEach((l) => expect(Math.abs(l)).toBeLessThanOrEqual(0.5));
      layer.dispose();
    });
  });

  test('a conditional layer reads the context and requires it', () => {
    tf.tidy(() => {
      const layer = new AdditiveCoupling({
        eventShape: [3],
        contextShape: [2],
        identityInit: false,
        seed: 5,
      });
      const x = tf.randomNormal([2, 3], 0, 1, 'float32', 6);
      const y1 = layer
        .forward(x, {
          context: tf.tensor2d([
            [0, 0],
            [0, 0],
          ]),
        })
        .dataSync();
      const y2 = layer
        .forward(x, {
          context: tf.tensor2d([
            [1, -1],
            [1, -1],
          ]),
        })
        .dataSync();
      expect(Array.from(y1)).not.toEqual(Array.from(y2));
      expect(() => layer.forward(x)).toThrow(ShapeError);
      expect(() => layer.forward(x, { context: tf.zeros([3, 2]) })).toThrow(
        /context batch 3 does not match input batch 2/,
      );
      layer.dispose();
    });
  });

  test('bad options throw errors that name them; d = 1 explains why it cannot be split', () => {
    expect(() => new AffineCoupling({ eventShape: [1] })).toThrow(ShapeError);
    expect(() => new AffineCoupling({ eventShape: [1] })).toThrow(/need d >= 2; got eventShape \[1\]/);
    expect(() => new AdditiveCoupling({ eventShape: [2, 2] })).toThrow(/must be a vector shape \[d\]/);
    expect(() => new AffineCoupling({ eventShape: [2], scaleBound: 0 })).toThrow(
      /'scaleBound' must be a finite number > 0/,
    );
    expect(() => new AffineCoupling({ eventShape: [2], mask: 'checker' as 'halves' })).toThrow(OptionError);
    expect(() => new AffineCoupling({ eventShape: [2], parity: 2 as 0 })).toThrow(/'parity' must be 0 or 1/);
    expect(() => new AffineCoupling({ eventShape: [2], hidden: [] })).toThrow(
      /'hidden' must be a non-empty list/,
    );
    expect(() => new AdditiveCoupling({ eventShape: [2], scaleBound: 2 } as never)).toThrow(
      /unknown option 'scaleBound'/,
    );
  });

  test('configs rebuild the same layer through the registry, and calls leave no tensor behind', () => {
    const layer = new AffineCoupling({
      eventShape: [3],
      mask: 'alternate',
      contextShape: [1],
      hidden: [5],
      seed: 9,
      identityInit: false,
    });
    const config = JSON.parse(JSON.stringify(layer.getConfig()));
    expect(config).toEqual({
      name: 'affine-coupling',
      options: {
        eventShape: [3],
        mask: 'alternate',
        parity: 0,
        hidden: [5],
        activation: 'relu',
        contextShape: [1],
        identityInit: false,
        seed: 9,
        scaleBound: 2,
      },
    });
    const again = createBijector(config);
    expect(again.variables.map((v) => Array.from(v.dataSync()))).toEqual(
      layer.variables.map((v) => Array.from(v.dataSync())),
    );
    const x = tf.randomNormal([4, 3]);
    const context = tf.ones([4, 1]);
    const before = tf.memory().numTensors;
    for (const out of [layer.forwardAndLogDet(x, { context }), layer.inverseAndLogDet(x, { context })])
      tf.dispose(out);
    tf.dispose([layer.forward(x, { context }), layer.inverse(x, { context })]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, context]);
    layer.dispose();
    again.dispose();
  });
});
