import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { OptionError } from '../errors.js';
import { Affine } from './affine.js';

describe('Affine', () => {
  test('y = s x + t and log-det = Σ log s against float64, both ways', () => {
    const shift = [1, -2];
    const scale = [0.25, 3];
    const b = new Affine({ eventShape: [2], shift, scale });
    const x = [0.5, -1.5, 2, 4];
    tf.tidy(() => {
      const { value, logDet } = b.forwardAndLogDet(tf.tensor2d(x, [2, 2]));
      const expected = x.map((v, i) => (scale[i % 2] as number) * v + (shift[i % 2] as number));
      expect(Array.from(value.dataSync())).toEqual(expected.map((v) => expect.closeTo(v, 5)));
      const logScale = Math.log(0.25) + Math.log(3);
      expect(Array.from(logDet.dataSync())).toEqual([logScale, logScale].map((v) => expect.closeTo(v, 5)));
      const inverse = b.inverseAndLogDet(value);
      expect(Array.from(inverse.value.dataSync())).toEqual(x.map((v) => expect.closeTo(v, 5)));
      expect(Array.from(inverse.logDet.dataSync())).toEqual(
        [-logScale, -logScale].map((v) => expect.closeTo(v, 5)),
      );
    });
    b.dispose();
  });

  test('trainable: false freezes both parameters', () => {
    const b = new Affine({ eventShape: [2], trainable: false });
    expect(b.variables).toHaveLength(2);
    expect(b.trainableVariables).toHaveLength(0);
    b.dispose();
  });

  test('invalid options name the option', () => {
    expect(() => new Affine({ eventShape: [2], scale: -1 })).toThrow(OptionError);
    expect(() => new Affine({ eventShape: [2], scale: -1 })).toThrow("affine: option 'scale'");
    expect(() => new Affine({ eventShape: [2], shift: 'x' } as never)).toThrow("affine: option 'shift'");
  });
});
