import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { OptionError } from '../errors.js';
import { Scale } from './scale.js';

describe('Scale', () => {
  test('multiplies by the initial scale, log-det = Σ log s in float64', () => {
    const scale = [0.5, 2, 3];
    const b = new Scale({ eventShape: [3], scale });
    tf.tidy(() => {
      const { value, logDet } = b.forwardAndLogDet(
        tf.tensor2d([
          [1, 1, 1],
          [2, -1, 4],
        ]),
      );
      expect(Array.from(value.dataSync())).toEqual([0.5, 2, 3, 1, -2, 12].map((v) => expect.closeTo(v, 5)));
      const expected = scale.reduce((s, v) => s + Math.log(v), 0);
      expect(Array.from(logDet.dataSync())).toEqual([expected, expected].map((v) => expect.closeTo(v, 5)));
    });
    b.dispose();
  });

  test('the scale is soft-bounded below by minScale, keeping log-dets finite', () => {
    const b = new Scale({ eventShape: [2], minScale: 0.01 });
    b.unconstrained.assign(tf.tensor1d([-200, 200]));
    tf.tidy(() => {
      const { value, logDet } = b.forwardAndLogDet(tf.ones([1, 2]));
      expect(Array.from(value.dataSync())).toEqual([expect.closeTo(0.01, 6), expect.closeTo(200.01, 3)]);
      expect(logDet.dataSync()[0]).toBeCloseTo(Math.log(0.01) + Math.log(200.01), 4);
    });
    b.dispose();
  });

  test('a scale at or below minScale is an OptionError naming it', () => {
    expect(() => new Scale({ eventShape: [2], scale: 0.001 })).toThrow(OptionError);
    expect(() => new Scale({ eventShape: [2], scale: [1, 0.05], minScale: 0.1 })).toThrow(
      "scale: option 'scale' must hold > minScale (0.1) numbers, got 0.05 at 1",
    );
    expect(() => new Scale({ eventShape: [2], minScale: 0 })).toThrow(
      "scale: option 'minScale' must be a finite number > 0",
    );
  });
});
